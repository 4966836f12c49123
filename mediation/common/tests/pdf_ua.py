"""The checks every PDF the service makes must pass (PDF/UA-1), read with pikepdf: tagged
(marked content with a structure tree), the language en-GB, the title shown instead of the file
name, a title set, every font embedded, and the PDF/UA identifier in its metadata."""

from __future__ import annotations

import io
from typing import Any

import pikepdf


def assert_pdf_ua(pdf: bytes | memoryview, *, title_contains: str = "") -> None:
    with pikepdf.open(io.BytesIO(bytes(pdf))) as document:
        # The PDF's objects are read loosely (a missing key reads as an empty dictionary).
        root: Any = document.Root
        assert root.get("/MarkInfo", {}).get("/Marked") is True, "not tagged"
        tree = root.get("/StructTreeRoot")
        assert tree is not None and tree.get("/K") is not None, "no structure tree"
        assert str(root.get("/Lang")) == "en-GB", f"language {root.get('/Lang')!r}"
        preferences = root.get("/ViewerPreferences", {})
        assert preferences.get("/DisplayDocTitle") is True, "the title is not shown"
        title = str(document.docinfo.get("/Title", ""))
        assert title, "no title"
        assert title_contains in title, title
        with document.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1", "no PDF/UA-1 identifier"
        page: Any
        for page in document.pages:
            fonts = page.get("/Resources", {}).get("/Font", {})
            for name, font in fonts.items():
                descendants = font.get("/DescendantFonts")
                described = descendants[0] if descendants is not None else font
                descriptor = described.get("/FontDescriptor")
                assert descriptor is not None, f"font {name} has no descriptor"
                assert any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                ), f"font {name} is not embedded"
