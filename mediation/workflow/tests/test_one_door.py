"""One door for a case's status: only `case_transition` changes it, and `case_open_from_enquiry`
sets the first one. Checked on the parsed source of every module of the product (not the tests
or migrations): an assignment to a case's `status`, a `setattr` of it, a save listing it, a
create or update of Case rows with it, or SQL that writes it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import mediation

ROOT = Path(mediation.__file__).parent

DOORS = {
    ("workflow/services.py", "case_transition"),  # moves an open case
    ("workflow/services.py", "case_open_from_enquiry"),  # gives a new case its route's first state
}
# Whole modules that write Case rows in bulk, and why; each must still need its place.
ALLOWED = {
    # A million cases' rows written straight into every table by COPY, each case already in
    # the state its made-up story reached (docs/adr/0017-scale-synthetic-data-and-bench.md).
    "demo/synthetic.py",
    # The deadline benchmark makes thousands of cases in one state to time the engine on.
    "deadlines/management/commands/bench_deadlines.py",
}

_CASE = re.compile(r"(^|[._])case$")
_WRITES = {"create", "update", "get_or_create", "update_or_create", "bulk_create", "bulk_update"}


def _text(node: ast.AST) -> str:
    return ast.unparse(node)


def _names_status(node: ast.AST | None) -> bool:
    """A literal "status", or a list, tuple, set or dict that holds one."""
    return any(
        isinstance(n, ast.Constant) and n.value == "status"
        for n in ast.walk(node or ast.Constant(None))
    )


def _root_name(node: ast.AST) -> str:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr == "status"
                    and _CASE.search(_text(target.value))
                ):
                    found.append((node.lineno, f"assigns {_text(target)}"))
        elif isinstance(node, ast.Call):
            func = node.func
            keywords = {k.arg: k.value for k in node.keywords}
            if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) >= 2:
                if _CASE.search(_text(node.args[0])) and _names_status(node.args[1]):
                    found.append((node.lineno, "setattr status"))
            elif isinstance(func, ast.Name) and func.id == "Case" and "status" in keywords:
                found.append((node.lineno, "Case(status=...)"))
            elif isinstance(func, ast.Attribute):
                if func.attr == "save" and _CASE.search(_text(func.value)):
                    if _names_status(keywords.get("update_fields")):
                        found.append((node.lineno, "saves status"))
                elif (
                    func.attr in _WRITES
                    and _root_name(func) == "Case"
                    and (
                        "status" in keywords
                        or _names_status(keywords.get("defaults"))
                        or (func.attr == "bulk_update" and any(_names_status(a) for a in node.args))
                    )
                ):
                    found.append((node.lineno, f"Case ... {func.attr}(status)"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            sql = node.value.lower()
            if "cases_case" in sql and "status" in sql and re.search(r"\b(update|insert)\b", sql):
                found.append((node.lineno, "SQL writes status"))
    return found


def _function_at(tree: ast.AST, line: int) -> str:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
            node.lineno <= line <= (node.end_lineno or node.lineno)
        ):
            return node.name
    return ""


def _product_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def test_only_the_door_changes_a_case_s_status():
    offenders = []
    doors_used = set()
    for path in _product_modules():
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for line, what in _writes(tree):
            where = (relative, _function_at(tree, line))
            if where in DOORS:
                doors_used.add(where)
            else:
                offenders.append(f"{relative}:{line} {what}")
    assert offenders == [], "Change a case's status with workflow.services.case_transition"
    assert doors_used == DOORS  # the doors themselves are found, so the check is looking


def test_every_allowed_module_still_writes_status():
    for relative in ALLOWED:
        path = ROOT / relative
        assert _writes(ast.parse(path.read_text())) or "status" in path.read_text(), relative


def test_the_check_catches_the_ways_round_it():
    sneaky = """
case.status = "closed"
self.case.status = CaseState.CLOSED
setattr(meeting.case, "status", "closed")
case.save(update_fields=["status", "closed_at"])
Case(reference="X", status="closed")
Case.objects.filter(pk=1).update(status="closed")
Case.objects.update_or_create(pk=1, defaults={"status": "closed"})
Case.objects.bulk_update(rows, ["status"])
cursor.execute("UPDATE cases_case SET status = 'closed'")
"""
    assert len(_writes(ast.parse(sneaky))) == 9
    harmless = """
enquiry.status = Enquiry.Status.CLOSED
meeting.status = "cancelled"
Case.objects.filter(status="closed").count()
cases.exclude(status=CaseState.CLOSED)
"""
    assert _writes(ast.parse(harmless)) == []
