"""Every PDF goes through one path (mediation.common.pdf.html_to_pdf) that makes PDF/UA-1; each
kind of PDF is checked where it is made (assert_pdf_ua in the certificate, letter, statement,
invoice, report and portal tests) and here through the path itself."""

from __future__ import annotations

import ast
from pathlib import Path

import mediation
from mediation.common.pdf import html_to_pdf
from mediation.common.tests.pdf_ua import assert_pdf_ua

ROOT = Path(mediation.__file__).parent


def test_only_the_one_path_imports_weasyprint():
    importers = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(name.split(".")[0] == "weasyprint" for name in names):
                importers.append(str(path.relative_to(ROOT)))
    assert importers == ["common/pdf.py"]


def test_the_path_makes_pdf_ua():
    html = (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>A letter</title>'
        "</head><body><h1>A letter</h1><p>Hello.</p><table><tr><th>Date</th><td>Today</td></tr>"
        "</table></body></html>"
    )
    assert_pdf_ua(html_to_pdf(html), title_contains="A letter")


def test_every_pdf_template_says_its_language_and_has_a_title():
    templates = Path(mediation.__file__).parent.parent / "templates"
    for name in (
        "documents/certificate.html",
        "documents/letter.html",
        "meetings/letter.html",
        "outcomes/statement_pdf.html",
        "outcomes/overdue_letter.html",
        "reports/quarterly_pdf.html",
        "invoicing/document.html",
        "portal/letter_task.html",
    ):
        text = (templates / name).read_text()
        assert '<html lang="en-GB">' in text, name
        assert "<title>" in text, name
