"""The `handouts` command: parse options, make one library call, print what was written.

This is the only place an error becomes an exit status: every HandoutsError prints as
`path:line:col: message` lines on stderr and exits 1, with no traceback. The library is
imported inside each command, so `--help` and `--version` stay quick.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import HandoutsError, Problem

if TYPE_CHECKING:
    from .model import Personal
    from .project import Project
    from .targets import Target
    from .watch import Round

F = TypeVar("F", bound=Callable[..., Any])

PATH = click.Path(path_type=Path)
"""Every file or folder argument and option: one type (click looks up its name through
gettext for each one it makes)."""


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


def _remember(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Project options may come before or after the command; the later one wins."""
    if value is not None and param.name:
        ctx.meta.setdefault("handouts.where", {})[param.name] = value


PROJECT_OPTIONS = {
    "--project": "The project folder (default: found by walking up to handouts.yaml).",
    "--data": "Folder with routines/, booklets/, programs/, clinic.yaml (default: the project's).",
    "--out": "Folder the PDFs are written to (default: the project's out/).",
    "--clinic": "Clinic profile (default: DATA/clinic.yaml).",
}


def project_options(func: F) -> F:
    """--project, --data, --out and --clinic, accepted on the group and on every command."""
    for name, text in reversed(PROJECT_OPTIONS.items()):
        option = click.option(name, type=PATH, expose_value=False, callback=_remember, help=text)
        func = option(func)
    return func


def current_project(required: bool = True) -> Project:
    from .project import open_project

    where = click.get_current_context().meta.get("handouts.where", {})
    return open_project(
        **{k.lstrip("-"): where.get(k.lstrip("-")) for k in PROJECT_OPTIONS}, required=required
    )


def printing_project() -> Project:
    """The project of a command that prints: warned when nothing says "stop and call us"."""
    from .project import safety_warnings

    project = current_project()
    for problem in safety_warnings(project):
        click.echo(str(problem), err=True)
    return project


def shown(path: Path) -> str:
    from .output import shown as show

    return show(path)


def write_made(target: Target) -> None:
    """Make one target, print its warnings, write its files and print their paths."""
    from .output import write_atomic

    result = target.make()
    for warning in target.notes() + result.warnings:
        click.echo(warning, err=True)
    echo_written(write_atomic(p, d) for p, d in result.pdfs.items())


def echo_written(paths: Iterable[Path]) -> None:
    for path in paths:
        click.echo(shown(path))


def _option_text(name: str, value: str | None) -> Any:
    from .check import Text

    return Text(value, f"<{name}>", 1, 1) if value else None


LANGUAGE_HELP = "Printed labels in this language (en, es, fr, de ...)."


@click.group()
@project_options
@click.version_option(package_name="handouts")
def main() -> None:
    """Exercise routines written once as YAML -> printable handouts, cards and booklets.

    Run inside a project folder (one with handouts.yaml; `handouts init` makes one).
    """
    from .output import install_signal_handlers

    install_signal_handlers()
    _no_collection_at_exit()


@functools.cache
def _no_collection_at_exit() -> None:
    """The process's objects are left to the operating system when it ends.

    Python's last collections at shutdown scan every object a render leaves (ReportLab's
    font tables and the like: ~60 ms after one handout, a quarter of the command); frozen
    by the last exit handler (the first registered), they are skipped. Nothing waits on
    them: every file handouts writes is closed when written (output.write_atomic), the
    standard streams are flushed by Python itself, and exit handlers registered later
    (Dask's) have already run.
    """
    import atexit
    import gc

    atexit.register(gc.freeze)


@main.command()
@click.argument("folder", type=PATH, default=Path("."))
@reports_errors
def init(folder: Path) -> None:
    """Make FOLDER (default: here) a clinic project: settings, clinic profile, examples.

    Never replaces a file that is already there.
    """
    from .project import init_project

    result = init_project(folder)
    for path in result.created:
        click.echo(f"created {shown(path)}")
    for path in result.updated:
        click.echo(f"updated {shown(path)} (generated: the fields this version reads)")
    for path in result.kept:
        click.echo(f"kept    {shown(path)} (already there)")
    here = "" if result.root == Path.cwd().absolute() else f"cd {shown(result.root)} && "
    click.echo(
        f"Next: fill in {shown(result.root / 'data' / 'clinic.yaml')}, then run "
        f"`{here}handouts build`."
    )


def _personal(
    patient: str | None, clinician: str | None, date: str | None, note: str | None
) -> Personal:
    from .check import check_date, date_problem
    from .model import Personal

    if date is not None and not check_date(date):
        raise HandoutsError([Problem("<--date>", 1, 1, f"--date {date_problem(date)}")])
    return Personal(
        _option_text("--patient", patient), _option_text("--clinician", clinician),
        _option_text("--date", date), _option_text("--note", note),
    )  # fmt: skip


def handout_options(output: str, patient: str, verb: str, done: str) -> Callable[[F], F]:
    """ROUTINES and the options of a handout, declared once for the printed handout and its
    accessible edition: `output` is what -o writes, `patient` the help of --patient, `verb`
    and `done` how the edition gives the date and the note ("print", "printed")."""
    options = [
        click.argument("routines", nargs=-1, required=True),
        click.option("--layout", help="Layout name or file (default: the project's)."),
        click.option("-o", "--output", type=PATH, help=f"{output} to write."),
        click.option("--patient", help=patient),
        click.option("--clinician", help="Clinician's name."),
        click.option(
            "--date", "date", help=f"Date to {verb}, YYYY-MM-DD (never the clock by default)."
        ),
        click.option("--note", help=f"A note from the clinician, {done} under the title."),
        click.option("--language", help=LANGUAGE_HELP),
    ]

    def declare(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return declare


@main.command()
@handout_options("PDF", "Patient's name, printed on every page.", "print", "printed")
@project_options
@reports_errors
def handout(
    routines: tuple[str, ...],
    layout: str | None,
    output: Path | None,
    patient: str | None,
    clinician: str | None,
    date: str | None,
    note: str | None,
    language: str | None,
) -> None:
    """Write a full-page handout for ROUTINES (ids or files) into one PDF.

    With --patient (and --note, --clinician, --date) it goes to out/patients/NAME/.
    """
    from .products.handout import HandoutRequest, plan

    personal = _personal(patient, clinician, date, note)
    request = HandoutRequest(routines, layout, language, personal, output)
    target = plan(printing_project(), request)
    write_made(target)


@main.command()
@handout_options("HTML file", "Patient's name.", "show", "shown")
@click.option(
    "--pdf",
    is_flag=True,
    help="Also a tagged PDF (PDF/UA) made from it: pip install 'handouts[tagged]'.",
)
@project_options
@reports_errors
def html(
    routines: tuple[str, ...],
    layout: str | None,
    output: Path | None,
    patient: str | None,
    clinician: str | None,
    date: str | None,
    note: str | None,
    language: str | None,
    pdf: bool,
) -> None:
    """Write the accessible edition of ROUTINES: one self-contained HTML file.

    The same words as `handouts handout`, for screen readers, zoom and phones; written
    beside the PDF (out/ID.html, or out/patients/NAME/ with --patient).
    """
    from .products.handout import HandoutRequest
    from .products.html import HtmlRequest, plan

    personal = _personal(patient, clinician, date, note)
    request = HtmlRequest(HandoutRequest(routines, layout, language, personal, output), pdf)
    write_made(plan(printing_project(), request))


@main.command()
@click.argument("program_file")
@click.option("--layout", help="Layout name or file (default: the project's).")
@click.option("--language", help=LANGUAGE_HELP)
@click.option("--cards", is_flag=True, help="Also write the matching pocket-card sheet.")
@click.option("--html", "html_too", is_flag=True, help="Also write its accessible edition (HTML).")
@click.option("-o", "--output", type=PATH, help="PDF to write.")
@project_options
@reports_errors
def program(
    program_file: str,
    layout: str | None,
    language: str | None,
    cards: bool,
    html_too: bool,
    output: Path | None,
) -> None:
    """Write one patient's programme: their routines and dosage, and a tracking page.

    PROGRAM_FILE is a file, or a name in DATA/programs. It goes to out/patients/NAME/.
    """
    from .products.program import ProgramRequest, plan

    project = printing_project()
    request = ProgramRequest(program_file, layout, language, cards, output)
    printed = plan(project, request)
    if html_too:
        from .products.html import plan_program_ref

        edition = plan_program_ref(project, request)  # planned (and checked) before writing
        write_made(printed)
        write_made(edition)
        return
    write_made(printed)


@main.command()
@click.argument("export", type=PATH)
@click.option("--layout", help="Layout name or file (default: the project's).")
@click.option("--language", help=LANGUAGE_HELP)
@click.option("--cards", is_flag=True, help="Also write each patient's pocket-card sheet.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Programmes made at once, in worker processes (default: the machine's cores).",
)
@project_options
@reports_errors
def programs(
    export: Path, layout: str | None, language: str | None, cards: bool, jobs: int | None
) -> None:
    """Write one programme per patient of a CSV or JSON Lines EXPORT.

    Each goes to out/patients/ID/, ID being the patient's id column. A patient with a
    problem is reported at its line and not written; the others are. Exit status 1 if any
    failed.
    """
    from concurrent.futures import ProcessPoolExecutor

    from .batch import run
    from .products.program import ProgramRequest

    project = printing_project()
    request = ProgramRequest("", layout, language, cards)
    workers = jobs or _cores()
    if workers == 1:
        result = run(project, export, request)
    else:
        with ProcessPoolExecutor(workers) as pool:
            result = run(project, export, request, pool)
    for warning in result.warnings:
        click.echo(warning, err=True)
    echo_written(result.written)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{result.done} programme(s) written, {result.failed} failed", err=True)
    if result.failed:
        sys.exit(1)


class Length(click.ParamType[float]):
    name = "length"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        from .layout import parse_length

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
    help="Card layout: wallet, eu, index, a7 or any card-*.yaml / file (default: the project's).",
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
    help="Cards of each routine on the office sheet (default: as many as fill it).",
)
@click.option("--language", help=LANGUAGE_HELP)
@click.option("-o", "--output", type=PATH, help="PDF to write.")
@project_options
@reports_errors
def card(
    routines: tuple[str, ...],
    size: str | None,
    sheet: str | None,
    duplex: str | None,
    bleed: float | None,
    crop_marks: bool | None,
    copies: int | None,
    language: str | None,
    output: Path | None,
) -> None:
    """Write pocket quick-reference cards for ROUTINES: an office sheet or a print-shop file.

    A routine without a quick_reference prints its steps.
    """
    from .products.card import CardRequest, plan

    request = CardRequest(
        routines, size, sheet, duplex, bleed, crop_marks, copies, language, output
    )
    target = plan(printing_project(), request)
    write_made(target)


@main.command()
@click.argument("items", nargs=-1)
@click.option("--title", help="Make a booklet of the ROUTINES given, with this title.")
@click.option(
    "--follow", metavar="ID", help="Make a booklet of ID's whole previous/next chain, in order."
)
@click.option(
    "--page-size",
    type=click.Choice(["letter", "a4", "half-letter", "a5"]),
    help="Page size (picks the layout booklet-SIZE).",
)
@click.option("--layout", help="A booklet layout by name or file.")
@click.option(
    "--impose",
    type=click.Choice(["saddle", "none"]),
    help="saddle: also write the print version to print double-sided, fold and staple "
    "(the default when the pages fold from one sheet: half-letter, a5); none: do not.",
)
@click.option("--creep", type=Length(), help="Shift per nested sheet, e.g. 0.005in.")
@click.option("--language", help=LANGUAGE_HELP)
@click.option("--right-hand", is_flag=True, help="Start every routine on a right-hand page.")
@click.option("-o", "--output", type=PATH, help="PDF to write.")
@project_options
@reports_errors
def booklet(
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
    from .output import write_atomic
    from .products.booklet import BookletRequest, plan

    if follow:
        request = BookletRequest(follow=follow, title=title)
    elif title:
        if not items:
            raise click.UsageError("give the routines to bundle after --title")
        request = BookletRequest(title=title, refs=items)
    elif len(items) == 1:
        request = BookletRequest(manifest=items[0])
    else:
        raise click.UsageError("give one booklet manifest, or --title T ROUTINE..., or --follow ID")
    request = BookletRequest(
        request.manifest, request.title, request.refs, request.follow, page_size, layout,
        impose, creep, right_hand, language, output,
    )  # fmt: skip
    target = plan(printing_project(), request)
    count = len(target.routines)
    if count >= 20 and sys.stderr.isatty():
        with click.progressbar(length=count * 2, label="Setting pages", file=sys.stderr) as bar:
            result = target.make(lambda page: bar.update(1))
    else:
        result = target.make()
    for warning in target.notes() + result.warnings:
        click.echo(warning, err=True)
    echo_written(write_atomic(p, d) for p, d in result.pdfs.items())


@main.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit status 1): for CI.")
@project_options
@reports_errors
def validate(paths: tuple[Path, ...], strict: bool) -> None:
    """Check routine files or folders without printing anything.

    With no PATHS: every routine, booklet and programme in DATA, and the clinic profile.
    """
    from .validate import validate as check

    report = check(current_project(required=not paths), list(paths))
    for problem in report.warnings:
        click.echo(str(problem), err=True)
    if report.problems:
        raise HandoutsError(report.problems)
    if strict and report.warnings:
        click.echo(f"{len(report.warnings)} warning(s), and --strict makes them fail", err=True)
        sys.exit(1)
    click.echo(f"{report.checked} file(s) OK")


SCHEMA_KINDS = ("routine", "booklet", "program", "clinic", "layout")  # schema.KINDS


@main.command()
@click.option(
    "--kind",
    type=click.Choice(SCHEMA_KINDS),
    help="Which file: a routine (the default), booklet, programme, clinic profile or layout.",
)
@click.option(
    "--markdown",
    is_flag=True,
    help="Print the field tables of docs/format.md instead (all kinds unless --kind).",
)
@project_options
@reports_errors
def schema(kind: str | None, markdown: bool) -> None:
    """Print the JSON Schema (draft 2020-12) of a kind of data file, for editors.

    `init` and `new` keep these in .handouts/schema/ and point each file's first line at
    them, so VS Code (with the YAML extension) completes and checks fields as you type.
    """
    from .schema import markdown_reference, markdown_table, schema_text

    if not markdown:
        click.echo(schema_text(kind or "routine"), nl=False)
    elif kind == "layout":
        message = "--markdown: the layout settings are in docs/layouts.md"
        raise HandoutsError([Problem("<--kind>", 1, 1, message)])
    else:
        click.echo(markdown_table(kind) if kind else markdown_reference(), nl=False)


@main.command()
@click.argument("routine_id", metavar="ID")
@click.option("--title", help="The routine's title (default: made from ID).")
@project_options
@reports_errors
def new(routine_id: str, title: str | None) -> None:
    """Write DATA/routines/ID.yaml: a commented routine to fill in, that validates.

    Never replaces a routine that is already there.
    """
    from .scaffold import new_routine

    path, schemas = new_routine(current_project(), routine_id, title)
    for made in schemas.created + schemas.updated:
        click.echo(f"wrote   {shown(made)}")
    click.echo(f"created {shown(path)}")
    click.echo(f"Next: fill it in, then `handouts validate {shown(path)}`.")


@main.command("list")
@project_options
@reports_errors
def list_() -> None:
    """List the routines in the library: id, title, category."""
    project = current_project()
    project.require_data()
    lib = project.library()
    for routine in lib.routines.values():
        click.echo(f"{routine.id}\t{routine.title}\t{routine.category or ''}")
    for problem in lib.problems:
        click.echo(str(problem), err=True)
    if lib.problems:
        sys.exit(1)


@main.command()
@click.argument("paths", nargs=-1, type=PATH)
@click.option("--strict", is_flag=True, help="Warnings fail too (exit status 1): for CI.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: path:line:col: level: message lines; json: one document for tools.",
)
@project_options
@reports_errors
def lint(paths: tuple[Path, ...], strict: bool, fmt: str) -> None:
    """Check routines for plain language and large-print layouts for size; writes nothing.

    Reading grade and ease per routine and section, PEMAT-P style checks and jargon, and
    large print against the ACB's figures. With no PATHS: the project's routines and layouts.
    """
    from .lint import lint as run

    report = run(current_project(required=not paths), list(paths))
    if fmt == "json":
        click.echo(report.as_json(), nl=False)
    else:
        for finding in report.findings:
            click.echo(str(finding))
        click.echo(report.summary(), err=True)
    if report.count("error") or (strict and report.count("warning")):
        sys.exit(1)


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _progress(what: str, done: int, total: int) -> None:
    """One line, rewritten in place, on a terminal only."""
    line = f"[{done}/{total}] {what}"[:78]
    click.echo(f"\r{line:<78}", err=True, nl=done == total)


@main.command()
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="Products made at once, in worker processes (default: the machine's cores).",
)
@click.option(
    "--force", is_flag=True, help="Make every product again, even those that are up to date."
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Make the products on a Dask cluster: tcp://HOST:8786, or 'local' for one on this "
    "machine (needs: pip install 'handouts[dask]'). Files are still written here.",
)
@project_options
@reports_errors
def build(jobs: int | None, force: bool, scheduler: str | None) -> None:
    """Build every product for everything in the data folder into the out folder.

    Only products whose inputs changed since the last build are made again (--force: all).
    A product that fails is reported and the others are still made; exit status 1 if any
    failed.
    """
    from .build import run, workers

    project = printing_project()
    progress = _progress if sys.stderr.isatty() else None
    result = run(project, progress, workers(jobs or _cores(), scheduler), force=force)
    for note in result.notes:
        click.echo(note, err=True)
    echo_written(result.written)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    made = f"{len(result.written)} file(s) in {shown(project.out_dir)}"
    if result.fresh:
        made += f", {len(result.fresh)} up to date"
    if result.failed:
        click.echo(
            f"made {made}; {len(result.failed)} failed: {', '.join(result.failed)}", err=True
        )
        sys.exit(1)
    click.echo(f"made {made}", err=True)


@main.command()
@click.argument("targets", nargs=-1)
@click.option(
    "--poll",
    is_flag=True,
    help="Look for changes every 0.3 s instead of waiting for the system's notice: for a "
    "project on a network drive.",
)
@project_options
@reports_errors
def watch(targets: tuple[str, ...], poll: bool) -> None:
    """Rebuild what each saved file affects and say what was made, until Ctrl-C.

    Watches handouts.yaml, layouts/, the data folder (routines, booklets, programmes,
    pictures, the clinic profile and logo). A bad edit is reported as path:line:col:
    message and the last good PDF is kept. With no TARGETS: everything build makes.

    \b
    TARGETS narrow it, each one of:
      a routine id       its handout and pocket card
      a booklet name     that booklet
      a programme name   that programme
      an output file     the product writing it (lower-back.booklet.pdf)
    """
    from .watch import watch as watch_project

    printing_project()  # its warnings once; every round reads the project afresh
    try:
        watch_project(
            current_project, targets, _report_round, ready=_watching, seen=_changed, poll=poll
        )
    except KeyboardInterrupt:  # Ctrl-C is how a watch ends: exit status 0
        click.echo("stopped watching", err=True)


def _watching(roots: tuple[str, ...]) -> None:
    folders = ", ".join("this folder" if shown(Path(r)) == "." else shown(Path(r)) for r in roots)
    click.echo(f"watching {folders} for changes; Ctrl-C to stop", err=True)


def _changed(paths: Sequence[Path]) -> None:
    import time

    names = [shown(p) for p in paths]
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    click.echo(f"{time.strftime('%H:%M:%S')} changed: {', '.join(names[:3])}{more}", err=True)


def _report_round(done: Round) -> None:
    """A round of `watch`: the files saved, each warning and PDF made, then one line that
    starts with the time, so each save's answer is told apart from the last."""
    import time

    stamp = time.strftime("%H:%M:%S")
    result = done.result
    if result is None:
        for problem in done.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{stamp} not built: fix the above; still watching", err=True)
        return
    for note in result.made_notes if done.changed else result.notes:
        click.echo(note, err=True)
    echo_written(result.written)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    for name in done.unmatched:
        click.echo(f"<{name}>:1:1: warning: nothing is named '{name}' now", err=True)
    line = f"{stamp} made {len(result.written)} file(s)"
    if result.fresh:
        line += f", {len(result.fresh)} up to date"
    if result.failed:
        failed = ", ".join(result.failed)
        line += f"; {len(result.failed)} failed (their earlier PDFs are kept): {failed}"
    click.echo(f"{line} ({done.seconds:.1f} s)", err=True)


@main.group(invoke_without_command=True)
@project_options
@click.pass_context
@reports_errors
def layouts(ctx: click.Context) -> None:
    """List the layouts, one line each, and where each comes from."""
    if ctx.invoked_subcommand is None:
        from .layout import describe_layouts

        for name, kind, description, origin in describe_layouts(_layout_search()):
            click.echo(f"{name}\t{kind}\t{description}\t{origin}")


def _layout_search() -> tuple[Path, ...]:
    """The project's layouts first, then the built-ins; outside a project, the built-ins."""
    from .layout import BUILTIN_LAYOUTS
    from .project import NotAProject

    try:
        return current_project().layout_search
    except NotAProject:
        return (BUILTIN_LAYOUTS,)


@layouts.command("show")
@click.argument("name")
@project_options
@reports_errors
def layouts_show(name: str) -> None:
    """Print the fully resolved layout NAME as YAML."""
    from .layout import load_layout, show_layout

    click.echo(show_layout(load_layout(name, _layout_search())), nl=False)


@main.group("import")
def import_() -> None:
    """Make routine files from text written elsewhere: a routine page, the wger database."""


@import_.command("text")
@click.argument("page", type=PATH)
@click.option(
    "-o",
    "--output",
    type=PATH,
    help="Routine file to write (default: DATA/routines/ID.yaml, ID made from the title).",
)
@project_options
@reports_errors
def import_text(page: Path, output: Path | None) -> None:
    """Make a routine file from a plain-text routine PAGE (a web page saved as text).

    Prints the file written, and on stderr which lines of the page went into which field.
    A paragraph it cannot place goes into notes, with a comment. Never replaces a file.
    """
    from .importers.text import write_routine

    routines = None if output is not None else current_project().data_dir / "routines"
    path, result, schemas = write_routine(page, output, routines)
    for line in result.report():
        click.echo(f"  {line}", err=True)
    for made in schemas:
        click.echo(f"wrote   {shown(made)}", err=True)
    click.echo(shown(path))


@import_.command("wger")
@click.argument("export", type=PATH)
@click.option(
    "--lang",
    multiple=True,
    help="Only exercises in this language (en, de, es ...); repeat or separate with commas "
    "(default: every language).",
)
@click.option("--category", multiple=True, help="Only this category (Back, Legs ...).")
@click.option("--uuid", multiple=True, help="Only the exercise whose uuid starts with this.")
@click.option(
    "--out-dir",
    type=PATH,
    help="Folder for the routine files (default: DATA/routines).",
)
@project_options
@reports_errors
def import_wger(
    export: Path,
    lang: tuple[str, ...],
    category: tuple[str, ...],
    uuid: tuple[str, ...],
    out_dir: Path | None,
) -> None:
    """Make one routine file per exercise of a wger JSON EXPORT, with its attribution.

    Exercises with no usable text are skipped, each with its reason; the last line counts
    imported and skipped per language. Never replaces a file.
    """
    from .importers.wger import run as import_exercises

    folder = out_dir if out_dir is not None else current_project().data_dir / "routines"
    result = import_exercises(export, folder, lang, category, uuid)
    echo_written(result.written)
    for made in result.schemas:
        click.echo(f"wrote   {shown(made)}", err=True)
    for skipped in result.skipped:
        click.echo(skipped.line(shown(export)), err=True)
    click.echo(result.summary(), err=True)


if __name__ == "__main__":
    main()
