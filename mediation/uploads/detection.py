"""What a file really is, from its content (magic bytes), never from its name.

An allowlist: a file is accepted only if its content is one of the types below. `filetype`
(pure Python, pinned) recognises the images, audio and video by their signatures; the two Word
formats are checked here because a signature alone would let through any zip file or any
Microsoft compound file (Excel, installers):

- .docx is a zip archive: it must hold word/document.xml and [Content_Types].xml, and no macros
  (word/vbaProject.bin, which would make it a .docm).
- .doc is an OLE2 compound file: it must hold a "WordDocument" stream.

HTML, SVG, scripts and executables match none of these and are refused, whatever they are called.

A .docx is also unpacked once, counting, before it is kept (`unpacked_too_big`): a "zip bomb"
(a small file that unpacks to gigabytes) would otherwise reach whoever opens it, and the virus
scanner first.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import IO

import filetype

HEAD_BYTES = 8192
ZIP_SIGNATURE = b"PK\x03\x04"
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The directory entry name of the main stream of a Word 97-2003 file, in UTF-16LE.
WORD_STREAM_NAME = "WordDocument".encode("utf-16-le")

PAPER = "paper"  # PDFs, Word files and photos (UPLOAD_MAX_DOCUMENT_MB)
MEDIA = "media"


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str
    # PAPER (PDFs, Word files and photos) or MEDIA (audio and video): each has its own size limit.
    kind: str


PDF = FileType("pdf", "application/pdf", "PDF", PAPER)
DOCX = FileType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document",
    PAPER,
)
DOC = FileType("doc", "application/msword", "Word document (older format)", PAPER)

# filetype's extension -> what we accept it as.
BY_SIGNATURE = {
    "pdf": PDF,
    "jpg": FileType("jpg", "image/jpeg", "JPEG image", PAPER),
    "png": FileType("png", "image/png", "PNG image", PAPER),
    "gif": FileType("gif", "image/gif", "GIF image", PAPER),
    "heic": FileType("heic", "image/heic", "HEIC image (iPhone photo)", PAPER),
    "mp3": FileType("mp3", "audio/mpeg", "MP3 audio", MEDIA),
    "m4a": FileType("m4a", "audio/mp4", "M4A audio", MEDIA),
    "wav": FileType("wav", "audio/wav", "WAV audio", MEDIA),
    "mp4": FileType("mp4", "video/mp4", "MP4 video", MEDIA),
    "mov": FileType("mov", "video/quicktime", "MOV video", MEDIA),
    "webm": FileType("webm", "video/webm", "WebM video", MEDIA),
}

ALL_TYPES = (PDF, DOCX, DOC, *[t for t in BY_SIGNATURE.values() if t is not PDF])
LABELS = {t.content_type: t.label for t in ALL_TYPES}


def label_for(content_type: str) -> str:
    return LABELS.get(content_type, content_type)


def _is_docx(file: IO[bytes]) -> bool:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return (
        "word/document.xml" in names
        and "[Content_Types].xml" in names
        and "word/vbaProject.bin" not in names
    )


# Below this, a high packing ratio is ordinary (a short document of repeated table rows).
RATIO_APPLIES_FROM = 10 * 1024 * 1024


def unpacked_too_big(file: IO[bytes], *, most_bytes: int, most_ratio: int, most_parts: int) -> bool:
    """Does the archive unpack to more than `most_bytes`, or (beyond RATIO_APPLIES_FROM) to more
    than `most_ratio` times its own size, or hold more than `most_parts` files? The sizes the
    archive declares are checked first, then every part is really unpacked (a declared size can
    lie), stopping as soon as a limit is passed: the work is bounded by the limits, whatever the
    file. An archive that cannot be unpacked counts as too big (it is refused either way)."""
    file.seek(0, 2)
    packed = max(file.tell(), 1)
    most = min(most_bytes, max(RATIO_APPLIES_FROM, most_ratio * packed))
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
            if len(parts) > most_parts or sum(p.file_size for p in parts) > most:
                return True
            unpacked = 0
            for part in parts:
                with archive.open(part) as stream:
                    while chunk := stream.read(64 * 1024):
                        unpacked += len(chunk)
                        if unpacked > most:
                            return True
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, NotImplementedError):
        return True
    finally:
        file.seek(0)
    return False


def _is_word_97(file: IO[bytes]) -> bool:
    """Search the compound file for its WordDocument stream entry (the directory can be anywhere)."""
    file.seek(0)
    overlap = len(WORD_STREAM_NAME)
    tail = b""
    while chunk := file.read(1024 * 1024):
        if WORD_STREAM_NAME in tail + chunk:
            return True
        tail = chunk[-overlap:]
    return False


def detect(file: IO[bytes]) -> FileType | None:
    """The accepted type of the file's content, or None if it is not one we accept."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    try:
        if head.startswith(ZIP_SIGNATURE):
            return DOCX if _is_docx(file) else None
        if head.startswith(OLE2_SIGNATURE):
            return DOC if _is_word_97(file) else None
        guessed = filetype.guess(head)
        if guessed is None:
            return None
        return BY_SIGNATURE.get(guessed.extension)
    finally:
        file.seek(0)
