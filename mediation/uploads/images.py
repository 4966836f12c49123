"""Photos are kept without what the camera wrote about them (issue 20, ASVS 14.2.8).

A phone's photo of a child carries EXIF: where it was taken (GPS), when, on which phone, and
sometimes a thumbnail of the uncropped picture. `without_metadata` decodes a JPEG or PNG with
Pillow and writes the pixels again with nothing else but the colour profile; the photo is
turned upright first (EXIF orientation is one of the tags removed). A JPEG that needs no
turning keeps its quantisation tables ("keep"), so it loses no quality.

An image of more than UPLOAD_MAX_IMAGE_PIXELS pixels is refused before it is decoded (a "pixel
flood": a small file that decodes to gigabytes). GIF (no EXIF) and HEIC (Pillow cannot
read it without a plug-in) are kept as sent: docs/security.md row 37.
"""

from __future__ import annotations

import io
from typing import IO, Any

from PIL import Image, ImageOps, UnidentifiedImageError

# Formats written again without metadata, by detected extension (mediation.uploads.detection).
STRIPPED = {"jpg": "JPEG", "png": "PNG"}


class ImageRefused(Exception):
    """The picture is too large to open safely, or is not a picture after all."""


def without_metadata(file: IO[bytes], *, extension: str, most_pixels: int) -> io.BytesIO | None:
    """The image written again without metadata, or None for a type that is kept as sent."""
    image_format = STRIPPED.get(extension)
    if image_format is None:
        return None
    file.seek(0)
    try:
        with Image.open(file) as opened:
            # Read from the header, before any pixel is decoded.
            width, height = opened.size
            if opened.format != image_format or width * height > most_pixels:
                raise ImageRefused("too many pixels, or not the type it looked like")
            opened.load()
            upright = ImageOps.exif_transpose(opened)
            turned = upright is not opened
            options: dict[str, Any] = {}
            if "icc_profile" in opened.info:
                options["icc_profile"] = opened.info["icc_profile"]
            if image_format == "JPEG":
                options.update(
                    {"quality": 95} if turned else {"quality": "keep", "subsampling": "keep"}
                )
            clean = io.BytesIO()
            (upright if turned else _copy_without_info(opened)).save(
                clean, format=image_format, **options
            )
    except (
        Image.DecompressionBombError,
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise ImageRefused(str(error)) from None
    finally:
        file.seek(0)
    clean.seek(0)
    return clean


def _copy_without_info(image: Image.Image) -> Image.Image:
    """The same image, without the EXIF, XMP and text the decoder collected. JPEG's "keep"
    options need the decoded JPEG itself, so its info is emptied rather than the image copied."""
    kept: dict[str | tuple[int, int], Any] = {
        key: image.info[key] for key in ("transparency", "dpi") if key in image.info
    }
    image.info = kept
    if hasattr(image, "_exif"):
        image._exif = None  # noqa: SLF001 (Pillow caches the EXIF it read here)
    return image
