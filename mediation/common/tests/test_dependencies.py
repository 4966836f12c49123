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


def production_modules() -> set[str]:
    """Top-level modules imported by the code a server runs (tests and test helpers left out)."""
    modules = set()
    for folder in ("mediation", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.relative_to(ROOT).parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules.add(node.module.split(".")[0])
    return {m for m in modules if m not in sys.stdlib_module_names and m not in FIRST_PARTY}


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
