"""The lock files hold what the code needs, in the right set (ADR 0022).

requirements.txt is what a server installs, so everything production code imports, or names in
its settings, must be pinned there, not only in requirements-dev.txt; and the test and lint tools
must not be there. Both locks pin every package with hashes, and a package in both is pinned at
the same version. Nothing here reaches the package index.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib import import_module
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from django.utils.module_loading import import_string

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
FIRST_PARTY = {"mediation", "config", "conftest", "tests", "bench"}
DEVELOPMENT_ONLY = {
    "pytest", "pytest-django", "pytest-xdist", "playwright", "hypothesis", "factory-boy",
    "time-machine", "ruff", "import-linter", "mypy", "django-stubs", "bandit", "uv",
}  # fmt: skip
# Code in mediation/ that a server never runs, so it may use a development tool: the demo's
# clock (time-machine), used only by `manage.py load_demo_data`, which `make run` and the tests
# run with requirements-dev.txt installed; a server must never load the demo (ADR 0028).
DEVELOPMENT_CODE = {"mediation/demo/clock.py": {"time_machine"}}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock(name: str) -> dict[str, str]:
    """Package -> version, checking that every pin is followed by its hashes."""
    lines = (ROOT / name).read_text().splitlines()
    pins = {}
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            assert line.endswith("\\") and "--hash=sha256:" in lines[number + 1], line
            pins[normalise(match.group(1))] = match.group(2)
    return pins


def direct_requirements(name: str) -> set[str]:
    names = set()
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(normalise(re.split(r"[\[<>=!~; ]", line)[0]))
    return names


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


def production_modules() -> set[str]:
    """Top-level modules imported by the code a server runs (tests, test helpers and the
    development code listed above left out, except what else that code imports)."""
    modules = set()
    for folder in ("mediation", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts:
                continue
            modules |= imported_modules(path) - DEVELOPMENT_CODE.get(relative.as_posix(), set())
    return modules


def modules_named_in_settings() -> set[str]:
    """Apps, middleware and the password hasher's library, as production sets them (the test
    settings swap the hasher for a fast one)."""
    production = import_module("config.settings.base")
    named = {entry.split(".")[0] for entry in [*production.INSTALLED_APPS, *production.MIDDLEWARE]}
    for hasher in production.PASSWORD_HASHERS:
        library = getattr(import_string(hasher), "library", None)
        if library:
            named.add((library[1] if isinstance(library, tuple) else library).split(".")[0])
    return {m for m in named if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


@pytest.fixture(scope="module")
def production_lock():
    return lock("requirements.txt")


@pytest.fixture(scope="module")
def development_lock():
    return lock("requirements-dev.txt")


def test_what_production_imports_is_in_the_production_lock(production_lock):
    distributions = packages_distributions()
    missing = {
        module: distributions.get(module)
        for module in production_modules() | modules_named_in_settings()
        if not any(normalise(d) in production_lock for d in distributions.get(module, []))
    }
    assert missing == {}


def test_development_code_is_what_it_says_and_nothing_more():
    """Each exception exists and imports the development tool it is excused for, and a server
    cannot load it by accident: nothing a server runs imports it except the demo command."""
    for name, tools in DEVELOPMENT_CODE.items():
        assert tools <= imported_modules(ROOT / name), name
        module = name.removesuffix(".py").replace("/", ".")
        importers = [
            path.relative_to(ROOT).as_posix()
            for path in (ROOT / "mediation").rglob("*.py")
            if "tests" not in path.parts and module in path.read_text()
        ]
        assert all(p.startswith("mediation/demo/") for p in importers), importers


def test_development_tools_are_not_in_the_production_lock(production_lock):
    assert DEVELOPMENT_ONLY & set(production_lock) == set()


def test_every_direct_requirement_is_locked(production_lock, development_lock):
    assert direct_requirements("requirements.in") - set(production_lock) == set()
    assert direct_requirements("requirements-dev.in") - set(development_lock) == set()
    assert direct_requirements("requirements-dev.in") >= DEVELOPMENT_ONLY


def test_a_package_in_both_locks_has_one_version(production_lock, development_lock):
    differ = {
        name: (version, development_lock[name])
        for name, version in production_lock.items()
        if name in development_lock and development_lock[name] != version
    }
    assert differ == {}
