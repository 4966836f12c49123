"""HTML to PDF with WeasyPrint: every letter, statement, certificate, invoice and report goes
through `html_to_pdf`, the one module that imports WeasyPrint, and comes out as PDF/UA-1: tagged,
with a structure tree, its language (the template's <html lang="en-GB">), its title (the
template's <title>) shown by readers, and its fonts embedded. Tested for every kind of PDF
(mediation/common/tests/test_pdf_ua.py)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.template.loader import render_to_string

# Only DejaVu fonts are installed on our machines; naming them keeps PDFs identical everywhere.
# @page margin boxes do not inherit the body font, so it is set there too.
BASE_CSS = """
@page { size: A4; margin: 20mm 18mm 22mm 18mm;
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
                  font-family: "DejaVu Sans", sans-serif; font-size: 9pt; color: #444; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; color: #0b0c0c; }
h1 { font-size: 18pt; margin: 0 0 8pt; } h2 { font-size: 13pt; margin: 14pt 0 6pt; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top;
  padding: 4pt 6pt 4pt 0; border-bottom: 0.5pt solid #b1b4b6; }
.muted { color: #505a5f; font-size: 9.5pt; }
tr, li, .facts { break-inside: avoid; } h1, h2, h3 { break-after: avoid; }
"""


def html_to_pdf(html: str, *, extra_css: str = "") -> bytes:
    """The PDF/UA-1 of `html` with BASE_CSS and `extra_css` (headings, tables and reading order
    readable by screen readers)."""
    # WeasyPrint takes about 0.4 s to import: only the requests and tasks that make a PDF pay it.
    from weasyprint import CSS, HTML  # noqa: PLC0415 (slow to import, needed only for PDFs)

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(string=BASE_CSS + extra_css)],
        pdf_variant="pdf/ua-1",
    )


def render_pdf(template: str, context: dict) -> tuple[str, bytes]:
    """Render a document template to (html, pdf)."""
    html = render_to_string(template, context)
    return html, html_to_pdf(html)


def sha256_hex(data: bytes | str) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()
