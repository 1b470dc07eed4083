"""The `handouts` command: parse options, make one library call, print what was written.

This is the only place an error becomes an exit status: every HandoutsError prints as
`path:line:col: message` lines on stderr and exits 1, with no traceback.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api
from .check import Text, check_date, date_problem
from .errors import HandoutsError, Problem
from .layout import describe_layouts, parse_length, show_layout
from .model import Personal

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HandoutsError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _option_text(name: str, value: str | None) -> Text | None:
    return Text(value, f"<{name}>", 1, 1) if value else None


@click.group()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    default=Path("data"),
    show_default=True,
    help="Folder with routines/, booklets/, programs/, clinic.yaml.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder where PDFs are written.",
)
@click.option(
    "--clinic",
    "clinic_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Clinic profile (default: DATA/clinic.yaml).",
)
@click.version_option(package_name="handouts")
@click.pass_context
def main(ctx: click.Context, data_dir: Path, out_dir: Path, clinic_file: Path | None) -> None:
    """Exercise routines written once as YAML -> printable handouts, cards and booklets."""
    ctx.obj = api.Context(data_dir=data_dir, out_dir=out_dir, clinic_file=clinic_file)


@main.command()
@click.argument("routines", nargs=-1, required=True)
@click.option("--layout", default="letter", show_default=True, help="Layout name or file.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF to write.")
@click.option("--patient", help="Patient's name, printed on every page.")
@click.option("--clinician", help="Clinician's name.")
@click.option("--date", "date", help="Date to print, YYYY-MM-DD (never the clock by default).")
@click.option("--note", help="A note from the clinician, printed under the title.")
@click.option("--language", help="Printed labels in this language (en, es, fr, de ...).")
@click.pass_obj
@reports_errors
def handout(
    ctx: api.Context,
    routines: tuple[str, ...],
    layout: str,
    output: Path | None,
    patient: str | None,
    clinician: str | None,
    date: str | None,
    note: str | None,
    language: str | None,
) -> None:
    """Write a full-page handout for ROUTINES (ids or files) into one PDF."""
    if date is not None and not check_date(date):
        raise HandoutsError([Problem("<--date>", 1, 1, f"--date {date_problem(date)}")])
    personal = Personal(
        _option_text("--patient", patient), _option_text("--clinician", clinician),
        _option_text("--date", date), _option_text("--note", note),
    )  # fmt: skip
    click.echo(api.handout(list(routines), ctx, layout, output, personal, language))


@main.command()
@click.argument("program_file")
@click.option("--layout", default="letter", show_default=True, help="Layout name or file.")
@click.option("--language", help="Printed labels in this language (en, es, fr, de ...).")
@click.option("--cards", is_flag=True, help="Also write the matching pocket-card sheet.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF to write.")
@click.pass_obj
@reports_errors
def program(
    ctx: api.Context,
    program_file: str,
    layout: str,
    language: str | None,
    cards: bool,
    output: Path | None,
) -> None:
    """Write one patient's programme: their routines and dosage, and a tracking page.

    PROGRAM_FILE is a file, or a name in DATA/programs.
    """
    written, warnings = api.program(program_file, ctx, layout, language, output, cards)
    for warning in warnings:
        click.echo(warning, err=True)
    for path in written:
        click.echo(path)


class Length(click.ParamType[float]):
    name = "length"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        if isinstance(value, float):
            return value
        length = parse_length(str(value))
        if length is None or length < 0:
            self.fail(f"'{value}' is not a length like 3mm, 0.125in or 9pt", param, ctx)
        return length


@main.command()
@click.argument("routines", nargs=-1, required=True)
@click.option(
    "--size",
    default="wallet",
    show_default=True,
    help="Card layout: wallet, eu, index, a7 or any card-*.yaml / file.",
)
@click.option(
    "--sheet",
    type=click.Choice(["letter", "a4", "none"]),
    help="Office sheet for n-up printing, or none for a print shop (default: the layout's).",
)
@click.option(
    "--duplex",
    type=click.Choice(["long", "short", "none"]),
    help="How your printer turns the sheet for the backs (default: the layout's).",
)
@click.option("--bleed", type=Length(), help="Bleed beyond the trim, e.g. 3mm or 0.125in.")
@click.option("--crop-marks/--no-crop-marks", default=None, help="Cutting marks on sheets.")
@click.option(
    "--copies",
    type=click.IntRange(1, 500),
    default=1,
    show_default=True,
    help="Cards of each routine on the office sheet.",
)
@click.option("--fill", is_flag=True, help="Fill the office sheet with copies.")
@click.option("--language", help="Printed labels in this language (en, es, fr, de ...).")
@click.option(
    "--from-steps", is_flag=True, help="Print the steps when a routine has no quick_reference."
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF to write.")
@click.pass_obj
@reports_errors
def card(
    ctx: api.Context,
    routines: tuple[str, ...],
    size: str,
    sheet: str | None,
    duplex: str | None,
    bleed: float | None,
    crop_marks: bool | None,
    copies: int,
    fill: bool,
    language: str | None,
    from_steps: bool,
    output: Path | None,
) -> None:
    """Write pocket quick-reference cards for ROUTINES: an office sheet or a print-shop file."""
    options = api.CardOptions(
        size, sheet, duplex, bleed, crop_marks, from_steps, copies, fill, language
    )
    click.echo(api.card(list(routines), ctx, options, output))


@main.command()
@click.argument("items", nargs=-1)
@click.option("--title", help="Make a booklet of the ROUTINES given, with this title.")
@click.option(
    "--follow", metavar="ID", help="Make a booklet of ID's whole previous/next chain, in order."
)
@click.option(
    "--page-size",
    type=click.Choice(["letter", "a4", "half-letter", "a5"]),
    help="Page size (picks layouts/booklet-SIZE.yaml).",
)
@click.option("--layout", help="A booklet layout by name or file.")
@click.option(
    "--impose",
    type=click.Choice(["saddle"]),
    help="Also write NAME-print.pdf: sheets to print double-sided, fold and staple.",
)
@click.option("--creep", type=Length(), help="Shift per nested sheet, e.g. 0.005in.")
@click.option("--language", help="Printed labels in this language (en, es, fr, de ...).")
@click.option("--right-hand", is_flag=True, help="Start every routine on a right-hand page.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="PDF to write.")
@click.pass_obj
@reports_errors
def booklet(
    ctx: api.Context,
    items: tuple[str, ...],
    title: str | None,
    follow: str | None,
    page_size: str | None,
    layout: str | None,
    impose: str | None,
    creep: float | None,
    language: str | None,
    right_hand: bool,
    output: Path | None,
) -> None:
    """Bundle routines into one booklet with a cover and contents.

    ITEMS is a booklet manifest (a file, or a name in DATA/booklets), or routine ids with
    --title; or use --follow ID.
    """
    if follow:
        book = api.booklet_following(follow, ctx, title)
    elif title:
        if not items:
            raise click.UsageError("give the routines to bundle after --title")
        book = api.booklet_of(title, list(items), ctx)
    elif len(items) == 1:
        book = api.find_booklet(items[0], ctx)
    else:
        raise click.UsageError("give one booklet manifest, or --title T ROUTINE..., or --follow ID")
    options = api.BookletOptions(page_size, impose, creep, right_hand, layout, language)
    count = len(book.routine_ids())
    if count >= 20 and sys.stderr.isatty():
        with click.progressbar(length=count * 2, label="Setting pages", file=sys.stderr) as bar:
            result = api.booklet(book, ctx, options, output, lambda page: bar.update(1))
    else:
        result = api.booklet(book, ctx, options, output)
    for warning in result.warnings:
        click.echo(warning, err=True)
    for path in result.written:
        click.echo(path)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.pass_obj
@reports_errors
def validate(ctx: api.Context, paths: tuple[Path, ...]) -> None:
    """Check routine files or folders without printing anything.

    With no PATHS: every routine, booklet and programme in DATA, and the clinic profile.
    """
    report = api.validate(list(paths), ctx)
    for problem in report.warnings:
        click.echo(str(problem), err=True)
    if report.problems:
        raise HandoutsError(report.problems)
    click.echo(f"{report.checked} file(s) OK")


@main.command("list")
@click.pass_obj
@reports_errors
def list_(ctx: api.Context) -> None:
    """List the routines in the library: id, title, category."""
    lib = api.library(ctx)
    for routine in lib.routines.values():
        click.echo(f"{routine.id}\t{routine.title}\t{routine.category or ''}")
    for problem in lib.problems:
        click.echo(str(problem), err=True)
    if lib.problems:
        sys.exit(1)


@main.command()
@click.option("--layout", default="letter", show_default=True, help="Handout layout.")
@click.pass_obj
@reports_errors
def build(ctx: api.Context, layout: str) -> None:
    """Build every product for everything in the data folder into the out folder."""
    result = api.build(ctx, layout)
    for note in result.notes:
        click.echo(note, err=True)
    for path in result.written:
        click.echo(path)


@main.group(invoke_without_command=True)
@click.pass_context
@reports_errors
def layouts(ctx: click.Context) -> None:
    """List the layouts, one line each."""
    if ctx.invoked_subcommand is None:
        for name, kind, description, _origin in describe_layouts(api.LAYOUT_SEARCH):
            click.echo(f"{name}\t{kind}\t{description}")


@layouts.command("show")
@click.argument("name")
@reports_errors
def layouts_show(name: str) -> None:
    """Print the fully resolved layout NAME as YAML."""
    click.echo(show_layout(api.load_layout(name)), nl=False)


if __name__ == "__main__":
    main()
