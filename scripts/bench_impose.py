"""Imposition cost: our Form XObject placement against pypdf's merge_transformed_page.

python scripts/bench_impose.py BOOKLET.pdf      (A5 pages, as `--page-size a5` makes)
"""

from __future__ import annotations

import io
import sys
import time

from pypdf import PageObject, PdfReader, PdfWriter, Transformation

from handouts.impose import booklet_plan
from handouts.layout import PAGE_SIZES
from handouts.sheets import impose


def main(path: str) -> None:
    src = open(path, "rb").read()
    n = len(PdfReader(io.BytesIO(src)).pages)
    w, h = PAGE_SIZES["a5"]
    sheet = (PAGE_SIZES["a4"][1], PAGE_SIZES["a4"][0])
    plan = booklet_plan(n, w, h, *sheet)
    start = time.perf_counter()
    impose(src, plan, sheet)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    reader, writer = PdfReader(io.BytesIO(src)), PdfWriter()
    for side in plan:
        page = PageObject.create_blank_page(width=sheet[0], height=sheet[1])
        for p in side.placements:
            if p.page is not None:
                page.merge_transformed_page(
                    reader.pages[p.page], Transformation().translate(p.x, p.y)
                )
        writer.add_page(page)
    writer.write(io.BytesIO())
    merged = time.perf_counter() - start
    print(f"{n} pages: form XObjects {ours:.2f} s, merge_transformed_page {merged:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1])
