"""Only mediation.timeline reads or writes TimelineEntry rows; every other module goes through
`timeline_record`, `timeline_lines` and `case_timeline`. Checked on the parsed source (names
imported, attributes used, strings that name the model, its table or the case's relation), so
a re-export, an alias or a lookup through the case is caught as well as a direct import."""

from __future__ import annotations

import ast
from pathlib import Path

import mediation

ROOT = Path(mediation.__file__).parent

# The two modules that may still name the rows, and why. Each must still need it (checked below).
ALLOWED = {
    # Anonymising blanks the personal text of every model that holds case data, by model label,
    # one UPDATE per model (mediation/privacy/anonymise.py lists them all).
    "privacy/anonymise.py": "names timeline.TimelineEntry in its table of personal fields",
    # The synthetic generator writes a million cases' rows straight into every table by COPY
    # for the benchmarks (docs/adr/0017-scale-synthetic-data-and-bench.md).
    "demo/synthetic.py": "bulk-writes history rows",
}

NAMES_OF_THE_ROWS = ("timeline.timelineentry", "cases_timelineentry", "timeline__")


def _app_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts
        and "migrations" not in path.parts
        and path.relative_to(ROOT).parts[0] != "timeline"
    ]


def _touches(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "mediation.timeline.models":
            found += [
                f"imports {alias.name}" for alias in node.names if alias.name != "TimelineKind"
            ]
        elif isinstance(node, ast.Import):
            found += [
                f"imports {alias.name}"
                for alias in node.names
                if alias.name.startswith("mediation.timeline.models")
            ]
        elif isinstance(node, ast.Attribute) and node.attr in {"timeline", "TimelineEntry"}:
            found.append(f"uses .{node.attr}")
        elif isinstance(node, ast.keyword) and (node.arg or "").startswith("timeline__"):
            found.append(f"looks up {node.arg}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.lower()
            found += [f"names {name}" for name in NAMES_OF_THE_ROWS if name in text]
    return found


def test_no_module_outside_the_timeline_app_touches_its_rows():
    offenders = {}
    for path in _app_modules():
        relative = path.relative_to(ROOT).as_posix()
        found = _touches(ast.parse(path.read_text(), filename=str(path)))
        if found and relative not in ALLOWED:
            offenders[relative] = found
    assert offenders == {}, "Use mediation.timeline's services and selectors instead"


def test_every_allowed_exception_is_still_needed():
    for relative in ALLOWED:
        path = ROOT / relative
        if path.exists():
            assert _touches(ast.parse(path.read_text())), f"{relative} no longer needs its place"


def test_the_check_catches_the_ways_round_it():
    sneaky = """
from mediation.timeline.models import TimelineEntry as T
import mediation.timeline.models
rows = case.timeline.all()
Case.objects.filter(timeline__kind="note")
apps.get_model("timeline.TimelineEntry")
"""
    assert len(_touches(ast.parse(sneaky))) == 5
    assert _touches(ast.parse("from mediation.timeline.models import TimelineKind")) == []
