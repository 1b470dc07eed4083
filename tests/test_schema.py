"""One declaration of every document format (handouts/schema.py): the readers, the JSON Schema
editors use, the format reference in docs/ and `handouts new` all come from it, and agree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import assume, given
from PIL import Image

from handouts import schema
from handouts.booklet import booklet_from_node
from handouts.check import Checker
from handouts.errors import DataError
from handouts.model import clinic_from_source, routine_from_source
from handouts.program import program_from
from handouts.yamlsrc import parse_yaml

from .conftest import FIXTURES, ROOT, pdf_text, run, words, write
from .strategies import routine as any_routine

TEMPLATES = ROOT / "handouts" / "templates"


class EditorLoader(yaml.SafeLoader):
    """YAML as VS Code's YAML extension reads it (YAML 1.2 core schema): `no` and dates are
    text, `10` a number, `true` a boolean, `null` and an empty value null."""


EditorLoader.yaml_implicit_resolvers = {}
for tag, regex, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:  # fmt: skip
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(regex), list(first))
EditorLoader.add_constructor(
    "tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 0)
)


def editor_view(text: str) -> Any:
    return yaml.load(text, Loader=EditorLoader)  # noqa: S506 - a SafeLoader


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema.schema_text(kind)))


def errors(kind: str, text: str) -> list[str]:
    """What the schema says about a file's text, as the editor reads it."""
    found = validator(kind).iter_errors(editor_view(text))
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.validator}" for e in found)


# -- the files that must validate ---------------------------------------------------------
def _kind_of(path: Path) -> str:
    parts = path.parts
    if "layouts" in parts:
        return "layout"
    if path.name == "clinic.yaml":
        return "clinic"
    return {"booklets": "booklet", "programs": "program"}.get(parts[-2], "routine")


GOOD = sorted(
    [
        *(ROOT / "data").rglob("*.yaml"),
        *TEMPLATES.rglob("*.yaml"),
        *(ROOT / "handouts" / "layouts").glob("*.yaml"),  # built-in layouts, not label packs
        *(ROOT / "layouts").glob("*.yaml"),
        FIXTURES / "cards" / "overflow.yaml",
        *(FIXTURES / "import" / "expected").glob("*.yaml"),  # what `import text` writes
        *(FIXTURES / "layouts").glob("*.yaml"),  # resolved layouts and an `extends` cycle
    ]
)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_data_templates_and_good_fixtures_validate(path: Path) -> None:
    kind = _kind_of(path)
    text = path.read_text(encoding="utf-8")
    assert errors(kind, text) == []
    if kind != "layout":  # as the readers see it: every value text
        plain = parse_yaml(path.read_bytes(), str(path)).root.plain()
        assert list(validator(kind).iter_errors(plain)) == []


def test_every_shipped_data_file_is_among_those_checked() -> None:
    assert {p.relative_to(ROOT).parts[0] for p in GOOD} >= {"data", "handouts", "layouts"}
    assert len([p for p in GOOD if p.is_relative_to(ROOT / "data")]) >= 11
    assert {_kind_of(p) for p in GOOD} == set(schema.KINDS)


# -- the bad fixtures --------------------------------------------------------------------
REJECTED = {
    # fixture: (kind, the schema's errors: where, and which rule)
    "bad/unknown-field.yaml": ("routine", [": additionalProperties"]),
    "bad/wrong-type.yaml": ("routine", ["dosage: type"]),
    "bad/missing-required.yaml": ("routine", [": required"]),
    "bad/long-title.yaml": ("routine", ["title: anyOf"]),
    "bad/bad-video.yaml": ("routine", ["video: pattern"]),
    "bad/several-problems.yaml": (
        "routine",
        [": additionalProperties", "steps: type", "title: anyOf"],
    ),  # fmt: skip
    "booklets/unknown-key.yaml": ("booklet", [": additionalProperties", ": oneOf"]),
    "programs/bad.yaml": ("program", ["routines/1: anyOf"]),
}
NOT_EXPRESSIBLE = {
    # fixture: why JSON Schema cannot see it (validate does)
    "bad/alias.yaml": "YAML anchors are resolved before a schema sees the data",
    "bad/tag.yaml": "YAML tags are resolved before a schema sees the data",
    "bad/duplicate-key.yaml": "the YAML parser keeps one of the two keys",
    "bad/tab.yaml": "a YAML syntax matter",
    "bad/yaml-syntax.yaml": "not YAML",
    "bad/comment.yaml": "the comment is gone once parsed",
    "bad/merged-items.yaml": "one text, as parsed",
    "bad/deep-nesting.yaml": "a limit of the reader",
    "bad/oversized.yaml": "a limit of the reader",
    "bad/id-mismatch.yaml": "the id must equal the file name",
    "bad/image-outside.yaml": "where the file is",
    "bad/missing-glyph.yaml": "what the fonts draw",
    "bad/bad-date.yaml": "February 30: the shape of a date is right, the calendar says no",
    "booklets/missing-id.yaml": "which routines the library holds",
}


def test_every_bad_fixture_is_rejected_or_said_to_be_out_of_reach() -> None:
    bad = {
        str(p.relative_to(FIXTURES))
        for folder in ("bad", "booklets", "programs")
        for p in (FIXTURES / folder).glob("*.yaml")
    }
    assert bad == set(REJECTED) | set(NOT_EXPRESSIBLE)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_schema_rejects_what_it_can_express(name: str) -> None:
    kind, expected = REJECTED[name]
    assert errors(kind, (FIXTURES / name).read_text(encoding="utf-8")) == expected


# -- the schema and the readers agree ----------------------------------------------------
MINIMAL = {"title": "A title", "steps": ["A step."]}
SMALLEST: dict[str, dict[str, Any]] = {
    "routine": MINIMAL,
    "booklet": {"title": "A booklet", "routines": ["sample"]},
    "program": {"patient": "A patient", "routines": ["sample"]},
    "clinic": {},
}


def _read(data: dict[str, Any], rid: str = "sample", kind: str = "routine") -> DataError | None:
    """The reader's verdict on `data` written as YAML: None, or its problems."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        src = parse_yaml(text.encode(), f"{rid}.yaml")
        if kind == "routine":
            routine_from_source(src, rid)
        elif kind == "clinic":
            clinic_from_source(src)
        else:
            c = Checker(src.path)
            if kind == "booklet":
                booklet_from_node(c, src.root, rid, src.path)
            else:
                program_from(c, src.root, rid)
            c.done()
    except DataError as exc:
        return exc
    return None


def _schema_ok(kind: str, data: dict[str, Any]) -> bool:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return validator(kind).is_valid(editor_view(text))


EVERY_FIELD = [
    pytest.param(kind, f, id=f"{kind}.{f.name}")
    for kind, fmt in schema.FORMATS.items()
    for f in fmt.fields
]


@pytest.mark.parametrize("kind,field", EVERY_FIELD)
def test_each_declared_example_is_read_by_both_and_a_mapping_in_its_place_by_neither(
    kind: str, field: schema.Field
) -> None:
    base = {k: v for k, v in SMALLEST[kind].items() if k not in schema.FORMATS[kind].one_of}
    if field.name not in schema.FORMATS[kind].one_of:
        base = SMALLEST[kind]
    data = {**base, field.name: field.example}
    rid = str(field.example) if field.name == "id" else "sample"
    assert _read(data, rid, kind) is None
    assert _schema_ok(kind, data)
    if field.kind != "map" or field.short is not None:
        wrong = {**base, field.name: [{"a": "b"}] if field.kind == "list" else {"a": "b"}}
        assert _read(wrong, kind=kind) is not None
        assert not _schema_ok(kind, wrong)
    unknown = {**data, field.name + "_": field.example}
    assert _read(unknown, rid, kind) is not None and not _schema_ok(kind, unknown)


TEXTUAL = ("text", "ref", "texts", "translated")


def _required(f: schema.Field) -> dict[str, Any]:
    return {sub.name: sub.example for sub in f.fields if sub.required}


def _limit_cases() -> list[Any]:
    """(kind, where, a function placing a text there, that text's declared limit) for every
    text of every format, nested ones included."""
    cases: list[Any] = []
    for kind, fmt in schema.FORMATS.items():
        for f in fmt.fields:
            limit = f.text_limit()
            subs: list[tuple[str, Any, int]] = []
            if f.kind in TEXTUAL:
                one = f.kind == "texts"
                subs.append((f.name, lambda v, n=f.name, one=one: {n: [v] if one else v}, limit))
            elif f.kind == "map":
                base = _required(f)
                for sub in f.fields:
                    if sub.kind in TEXTUAL:
                        subs.append((
                            f"{f.name}.{sub.name}",
                            lambda v, n=f.name, k=sub.name, b=base: {n: {**b, k: v}},
                            sub.text_limit(limit),
                        ))  # fmt: skip
            elif f.item is not None and f.item.kind in TEXTUAL:
                subs.append((f"{f.name}[]", lambda v, n=f.name: {n: [v]}, f.item.text_limit(limit)))
            elif f.item is not None:
                base = _required(f.item)
                for sub in f.item.fields:
                    if sub.kind in TEXTUAL:
                        subs.append((
                            f"{f.name}[].{sub.name}",
                            lambda v, n=f.name, k=sub.name, b=base: {n: [{**b, k: v}]},
                            sub.text_limit(f.item.text_limit(limit)),
                        ))  # fmt: skip
            for where, place, n in subs:
                cases.append(pytest.param(kind, place, n, id=f"{kind}.{where}"))
    return cases


@pytest.mark.parametrize("kind,place,limit", _limit_cases())
def test_reader_and_schema_agree_on_every_length_limit(kind: str, place: Any, limit: int) -> None:
    base = SMALLEST[kind]
    if set(place("x")) & set(schema.FORMATS[kind].one_of):
        base = {k: v for k, v in base.items() if k not in schema.FORMATS[kind].one_of}
    at_limit, over = {**base, **place("x" * limit)}, {**base, **place("x" * (limit + 1))}
    assert _read(at_limit, kind=kind) is None and _schema_ok(kind, at_limit)
    problem = _read(over, kind=kind)
    assert problem is not None and "the limit is" in str(problem)
    assert not _schema_ok(kind, over)


@pytest.mark.parametrize("kind", sorted(schema.FORMATS))
def test_every_field_of_every_format_has_a_doc_and_a_valid_example(kind: str) -> None:
    fmt = schema.FORMATS[kind]

    def walk(f: schema.Field, limit: int) -> None:
        assert f.doc.strip(), f.name
        sub = schema.field_schema(f, limit)
        if f.example is not None:
            assert jsonschema.Draft202012Validator(sub).is_valid(f.example), f.name
        for g in f.fields:
            walk(g, f.text_limit(limit))
        if f.item is not None:
            walk(f.item, f.text_limit(limit))

    for f in fmt.fields:
        walk(f, schema.LONG)


EXPRESSIBLE = ("unknown key", "missing required key", "must be a mapping", "must be text",
               "must be a list", "is empty", "the limit is")  # fmt: skip


@given(data=any_routine())
def test_the_schema_never_refuses_what_the_reader_takes_and_refuses_what_it_can_express(
    data: dict[str, Any],
) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        seen = editor_view(text)
    except yaml.YAMLError:
        assume(False)
    assume("null" not in json.dumps(seen))  # `null` is the text "null" to the readers only
    problem = _read(data)
    ok = validator("routine").is_valid(seen)
    if problem is None:
        assert ok
    elif any(m in p.message for p in problem.problems for m in EXPRESSIBLE):
        assert not ok, [p.message for p in problem.problems]


# -- `handouts schema` -------------------------------------------------------------------
@pytest.mark.parametrize("kind", schema.KINDS)
def test_schema_command_prints_draft_2020_12_json_schema(kind: str) -> None:
    result = run("schema", "--kind", kind)
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(printed)
    assert run("schema", "--kind", kind).stdout == result.stdout  # the same bytes each time
    assert printed["additionalProperties"] is False and printed["properties"]


def test_schema_kinds_of_the_command_are_those_declared() -> None:
    from handouts.cli import SCHEMA_KINDS

    assert SCHEMA_KINDS == schema.KINDS
    assert json.loads(run("schema").stdout) == json.loads(schema.schema_text("routine"))


def test_layout_schema_follows_the_settings_declaration() -> None:
    from handouts.layout import _settings

    printed = json.loads(run("schema", "--kind", "layout").stdout)
    for key, meta in _settings():
        node = printed
        for part in key.split("."):
            node = node["properties"][part]
        assert node["description"].startswith(meta["doc"]), key
    assert errors("layout", "text:\n  body_size: 4\n") == ["text/body_size: minimum"]
    assert errors("layout", "card:\n  sheet: legal\n") == ["card/sheet: enum"]
    assert errors("layout", "colours: {}\n") == [": additionalProperties"]


def test_regular_expressions_in_the_schemas_are_ecmascript_too() -> None:
    """Editors run the patterns as JavaScript (`u` flag): no inline flags, no `\\"`."""
    for kind in schema.KINDS:
        for pattern in re.findall(r'"pattern": "((?:[^"\\]|\\.)*)"', schema.schema_text(kind)):
            raw = json.loads(f'"{pattern}"')
            assert "(?" not in raw.replace("(?:", ""), (kind, raw)
            assert '\\"' not in raw, (kind, raw)


# -- the format reference ----------------------------------------------------------------
def test_docs_format_reference_is_the_declaration() -> None:
    doc = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
    assert doc == schema.markdown_reference(), (
        "docs/format.md differs from handouts/schema.py: run "
        "`handouts schema --markdown > docs/format.md`"
    )
    assert run("schema", "--markdown").stdout == doc
    for fmt in schema.FORMATS.values():
        for f in fmt.fields:
            assert f"| `{f.name}` |" in doc


def test_the_worked_example_in_the_routine_format_doc_reads_and_validates() -> None:
    doc = (ROOT / "docs" / "routine-format.md").read_text(encoding="utf-8")
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    routine = routine_from_source(parse_yaml(example.encode(), "example.yaml"), "example")
    assert routine.steps[1].image is not None and routine.steps[1].image.alt
    assert errors("routine", example) == []


def test_routine_format_doc_table_is_the_declaration() -> None:
    doc = (ROOT / "docs" / "routine-format.md").read_text(encoding="utf-8")
    start = "<!-- handouts schema --markdown --kind routine -->\n"
    table = doc.split(start, 1)[1].split("<!-- end -->", 1)[0]
    assert table == schema.markdown_table("routine")
    assert run("schema", "--markdown", "--kind", "routine").stdout == table


# -- `handouts new` -------------------------------------------------------------------------
def test_new_writes_a_commented_routine_that_validates_and_renders(project: Path) -> None:
    made = run("new", "shoulder-rolls", "--title", "Shoulder rolls: easy #1")
    assert made.exit_code == 0, made.output
    path = project / "data/routines/shoulder-rolls.yaml"
    text = path.read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../.handouts/schema/routine.json"
    target = (path.parent / first.split("=", 1)[1]).resolve()
    assert target.read_text(encoding="utf-8") == schema.schema_text("routine")
    assert errors("routine", text) == []
    for f in schema.ROUTINE.fields:  # every field is there to uncomment, with what it is
        if f.name != "id":
            assert re.search(rf"^(# )?{f.name}:", text, re.M), f.name
    checked = run("validate", "--strict", "data/routines/shoulder-rolls.yaml")
    assert checked.exit_code == 0, checked.output
    printed = run("handout", "shoulder-rolls")
    assert printed.exit_code == 0, printed.output
    found = words(pdf_text(project / "out/shoulder-rolls.pdf"))
    assert "shoulder" in found and "rolls" in found and "1" in found
    assert run("card", "shoulder-rolls").exit_code == 0


def test_new_finds_the_project_from_a_subfolder_and_names_the_title(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "data" / "booklets")
    made = run("new", "neck-turns")
    assert made.exit_code == 0, made.output
    text = (project / "data/routines/neck-turns.yaml").read_text(encoding="utf-8")
    assert "\ntitle: Neck turns\n" in text


def test_new_never_overwrites_and_refuses_bad_input_in_one_line(project: Path) -> None:
    seed = project / "data/routines/sacral-traction.yaml"
    before = seed.read_bytes()
    again = run("new", "sacral-traction")
    assert again.exit_code == 1
    assert again.stderr.splitlines() == [
        "data/routines/sacral-traction.yaml:1:1: routine 'sacral-traction' already exists; "
        "not replaced"
    ]
    assert seed.read_bytes() == before
    bad = run("new", "Back Stretch")
    assert bad.exit_code == 1 and len(bad.stderr.splitlines()) == 1
    assert bad.stderr.startswith("<ID>:1:1: 'Back Stretch' is not a routine id")
    long = run("new", "ok-id", "--title", "x" * 300)
    assert long.stderr.splitlines() == [
        "<--title>:1:1: --title is 300 characters; the limit is 200"
    ]
    assert long.exit_code == 1
    assert not list((project / "data/routines").glob("ok-id*"))
    assert not list((project / "data/routines").glob("back*"))
    assert "Traceback" not in bad.output + long.output + again.output


def test_new_outside_a_project_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("new", "x")
    assert result.exit_code == 1 and "not inside a handouts project" in result.stderr
    assert list(tmp_path.iterdir()) == []


# -- init ------------------------------------------------------------------------------------
def test_init_points_every_example_at_a_schema_file_it_wrote(tmp_path: Path) -> None:
    assert run("init", str(tmp_path / "clinic")).exit_code == 0
    root = tmp_path / "clinic"
    examples = sorted(p for p in root.rglob("*.yaml") if p.name != "handouts.yaml")
    assert len(examples) == 5
    for path in examples:
        text = path.read_text(encoding="utf-8")
        line = text.splitlines()[0]
        assert line.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / line.split("=", 1)[1]).resolve()
        kind = target.stem
        assert target.is_relative_to(root / ".handouts" / "schema")
        assert target.read_text(encoding="utf-8") == schema.schema_text(kind)
        assert errors(kind, text) == [], path
    stale = root / ".handouts/schema/routine.json"
    stale.write_text("{}", encoding="utf-8")
    again = run("init", str(root))
    assert again.exit_code == 0, again.output
    updated = [line for line in again.stdout.splitlines() if line.startswith("updated ")]
    assert len(updated) == 1 and ".handouts/schema/routine.json (generated" in updated[0]
    assert stale.read_text(encoding="utf-8") == schema.schema_text("routine")


# -- alt text (issue 14) -----------------------------------------------------------------
def _picture(folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), (30, 120, 200)).save(folder / name)


def test_pictures_keep_their_alt_text_and_validate_warns_where_there_is_none(
    project: Path,
) -> None:
    _picture(project / "data/routines/images", "roller.png")
    write(
        project / "data/routines/pictured.yaml",
        "title: Pictured\n"
        "image:\n"
        "  path: images/roller.png\n"
        "  alt: A blue foam roller on the floor\n"
        "steps:\n"
        "  - text: Lie on the roller.\n"
        "    image:\n"
        "      path: images/roller.png\n"
        "      caption: The roller\n"
        "  - text: Breathe.\n"
        "    image: images/roller.png\n",
    )
    from handouts.library import load_routine

    routine = load_routine(project / "data/routines/pictured.yaml")
    assert routine.image is not None and routine.image.alt == "A blue foam roller on the floor"
    assert [s.image.alt if s.image else "-" for s in routine.steps] == [None, None]
    result = run("validate")
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "'alt'" in line]
    assert warned == [
        "data/routines/pictured.yaml:8:13: warning: steps[1].image 'images/roller.png' has no "
        "'alt' text; add 'alt:' saying in words what it shows, for a patient who cannot see it",
        "data/routines/pictured.yaml:11:12: warning: steps[2].image 'images/roller.png' has no "
        "'alt' text; add 'alt:' saying in words what it shows, for a patient who cannot see it",
    ]
    assert run("validate", "--strict").exit_code == 1
    assert run("handout", "pictured").exit_code == 0
    printed = pdf_text(project / "out/pictured.pdf")
    assert "foam roller on the floor" not in printed  # alt is for the accessible edition


def test_alt_text_is_checked_like_any_text(project: Path) -> None:
    write(
        project / "data/routines/bad-alt.yaml",
        "title: T\nsteps:\n  - text: S\n    image:\n      path: x.png\n      alt: [a, list]\n",
    )
    result = run("validate", "data/routines/bad-alt.yaml")
    assert result.exit_code == 1
    assert "data/routines/bad-alt.yaml:6:12: 'steps[1].image.alt' must be text, not a list" in (
        result.stderr
    )
    assert errors("routine", (project / "data/routines/bad-alt.yaml").read_text()) == [
        "steps/0: anyOf"
    ]


NODE = shutil.which("node") or shutil.which("nodejs")


@pytest.mark.skipif(NODE is None, reason="needs Node.js (CI installs Debian's nodejs)")
def test_editors_javascript_reads_every_pattern_as_python_does() -> None:
    """VS Code's YAML extension runs `pattern` as `new RegExp(p, "u")`: each one compiles
    there and says yes and no to the same texts as Python's re."""
    samples = ["en", "pt-BR", "zh-Hans", "e", "sacral-traction", "Back", "2026-11-01",
               "2026-13-01", "https://example.org/v?id=1&t=2", 'http://x/"', "javascript:x",
               "0.5in", "12 mm", "-1in", "letter", "A4", "8.5in x 11in", "#1f5f8b", "#12345",
               "  ", " x ", "é"]  # fmt: skip
    patterns = sorted(
        {
            value
            for kind in schema.KINDS
            for value in _patterns(json.loads(schema.schema_text(kind)))
        }
    )
    script = (
        "const [ps, ss] = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(ps.map(p => ss.map(s => new RegExp(p, 'u').test(s)))));"
    )
    done = subprocess.run(
        [str(NODE), "-e", script], input=json.dumps([patterns, samples]),
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    javascript = json.loads(done.stdout)
    python = [[re.search(p, s) is not None for s in samples] for p in patterns]
    assert javascript == python
    assert len(patterns) >= 8


def _patterns(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["pattern"]] if isinstance(node.get("pattern"), str) else []
        found += list(node.get("patternProperties", {}))
        return found + [p for value in node.values() for p in _patterns(value)]
    if isinstance(node, list):
        return [p for value in node for p in _patterns(value)]
    return []


def test_new_follows_the_project_data_setting_and_its_schema_line_still_resolves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "handouts.yaml", "data: clinic/content\n")
    monkeypatch.chdir(tmp_path)
    made = run("new", "wall-slide")
    assert made.exit_code == 0, made.output
    path = tmp_path / "clinic/content/routines/wall-slide.yaml"
    line = path.read_text(encoding="utf-8").splitlines()[0]
    assert line == "# yaml-language-server: $schema=../../../.handouts/schema/routine.json"
    assert (path.parent / line.split("=", 1)[1]).resolve() == (
        tmp_path / ".handouts/schema/routine.json"
    )
    assert run("validate").exit_code == 0


def test_schema_markdown_for_layouts_points_at_their_reference() -> None:
    result = run("schema", "--markdown", "--kind", "layout")
    assert result.exit_code == 1
    assert result.stderr == "<--kind>:1:1: --markdown: the layout settings are in docs/layouts.md\n"
