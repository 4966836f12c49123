"""Is a secret printed somewhere in this repository? Production refuses to start with one.

The development keys in config/settings/base.py, the test and benchmark keys, and any key a
document shows as an example are public: anyone can sign sessions, decrypt fields or forge the
audit chain with them. Rather than keep a list that a new example would miss, production reads
the repository's own text files at start-up (about 0.1 s) and looks for each configured secret.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# Where secrets could be printed: code, settings, documents, scripts.
_SUFFIXES = {
    ".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".sh", ".html", ".json", ".yml", ".yaml",
    ".env", ".example", ".j2",
}  # fmt: skip
_NAMES = {"Makefile", "Dockerfile", "Procfile"}
# Not the repository's own text: installed packages, built files, data, backups.
_SKIPPED = {
    ".git", ".venv", "node_modules", "staticfiles", "var", "media", "backups", "__pycache__",
    ".pytest_cache", ".ruff_cache", ".hypothesis", "build",
}  # fmt: skip


def _text_files(root: Path) -> Iterable[Path]:
    for path in root.iterdir():
        if path.name in _SKIPPED or path.is_symlink():
            continue
        if path.is_dir():
            yield from _text_files(path)
        elif path.suffix in _SUFFIXES or path.name in _NAMES:
            yield path


def published(secrets: Iterable[str], root: Path) -> set[str]:
    """The secrets (of 8 characters or more) that appear in a text file under `root`."""
    wanted = {secret for secret in secrets if len(secret) >= 8}
    found: set[str] = set()
    for path in _text_files(root):
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            continue
        found |= {secret for secret in wanted - found if secret in text}
        if found == wanted:
            break
    return found
