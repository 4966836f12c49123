"""List every pinned package that has a newer release (`make outdated`).

Two kinds of newer release are shown, because they need different actions:
- "the ranges allow": what `make lock UPGRADE=1` would take now, found by locking the .in files
  again with --upgrade into a temporary directory (the real lock files are not touched);
- "newest release": the newest on the package index for Python 3.11, even when a range in
  requirements*.in or another package's requirement keeps it out (a new major version, for
  example): those need a decision and the tests, not just a new lock.

Run it through `make outdated`, which first brings .venv into line with the lock files.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LOCKS = {"requirements.txt": "production", "requirements-dev.txt": "development"}
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_file: Path) -> dict[str, str]:
    found = {}
    for line in lock_file.read_text().splitlines():
        match = PIN.match(line)
        if match:
            found[normalise(match.group(1))] = match.group(2)
    return found


def lock_with_upgrades() -> dict[str, str]:
    """The versions a fresh `make lock UPGRADE=1` would pin, without changing the lock files."""
    uv = str(VENV_BIN / "uv")
    newest: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for source in ("requirements.in", "requirements-dev.in"):
            shutil.copy(ROOT / source, scratch)
        # Production first: requirements-dev.in constrains itself to requirements.txt beside it.
        for source, output in (
            ("requirements.in", "requirements.txt"),
            ("requirements-dev.in", "requirements-dev.txt"),
        ):
            subprocess.run(  # noqa: S603 (uv from .venv, fixed arguments)
                [uv, "pip", "compile", "--quiet", "--upgrade", "--python-version", "3.11",
                 source, "-o", output],
                cwd=scratch, check=True,
            )  # fmt: skip
            newest.update(pins(Path(scratch) / output))
    return newest


def newest_releases() -> dict[str, str]:
    """Newest release on the index of every installed package that is behind (uv reads .venv)."""
    result = subprocess.run(  # noqa: S603 (uv from .venv, fixed arguments)
        [str(VENV_BIN / "uv"), "pip", "list", "--outdated", "--format", "json",
         "--python", str(VENV_BIN / "python")],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return {normalise(row["name"]): row["latest_version"] for row in json.loads(result.stdout)}


def main() -> int:
    pinned: dict[str, tuple[str, str]] = {}
    for lock_name, kind in LOCKS.items():
        for name, version in pins(ROOT / lock_name).items():
            pinned.setdefault(name, (version, kind))
    in_range = lock_with_upgrades()
    newest = newest_releases()

    rows = []
    for name, (version, kind) in sorted(pinned.items()):
        allowed = in_range.get(name, version)
        latest = newest.get(name, allowed)
        if allowed != version or latest != version:
            rows.append(
                (name, kind, version, allowed if allowed != version else "-",
                 latest if latest not in (version, allowed) else "-")
            )  # fmt: skip

    if not rows:
        print(f"All {len(pinned)} pinned packages are on their newest release.")
        return 0
    header = ("package", "set", "pinned", "the ranges allow", "newest release")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print()
    print(
        "'the ranges allow': `make lock UPGRADE=1` (or UPGRADE=<package>) takes it; run the tests.\n"
        "'newest release': kept out by a range in requirements*.in or by another package's\n"
        "requirement; moving to it is a decision (a new major version), see docs/development.md."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
