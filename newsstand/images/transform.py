"""From a publisher's bytes to the image readers get: decoded, checked, resized, re-encoded. Pure: bytes in, bytes out.

- Only JPEG, PNG, GIF, WebP and AVIF are decoded (Pillow's `formats=`), whatever the bytes or their declared type
  say: never SVG (it can carry script) nor any of Pillow's other decoders (EPS would run Ghostscript).
- A decompression bomb (a small file of huge dimensions) is refused from its header, before any pixel is decoded:
  at most `MAX_PIXELS`. Pillow's own guard (Image.MAX_IMAGE_PIXELS) stays on behind ours.
- A still image is re-encoded as WebP (every current browser reads it; alpha kept): no EXIF or XMP goes out (a
  camera's position, the photographer's details), only the colour profile. The EXIF orientation is applied first,
  since it is dropped. It is made at most `width` wide (aspect kept, never enlarged); JPEGs are decoded at the
  smallest scale that still covers it (draft), so a 6000-pixel photograph costs little to make a thumbnail of.
- An animated image (GIF, WebP, APNG) is served as it came, format checked: re-encoding every frame costs more
  than it saves, and its first frame alone would lose the animation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "GIF", "WEBP", "AVIF")
MAX_PIXELS = 40_000_000  # 8000 × 5000; a bigger picture is a bomb or nothing a reader's screen needs
MAX_SIDE = 16_383  # WebP's limit: the original width is capped by it, never enlarged past the source
WEBP_QUALITY = 80
_ORIENTATION = 0x0112
_SIDEWAYS = frozenset({5, 6, 7, 8})  # EXIF orientations that swap width and height
_T = Image.Transpose
_UPRIGHT = {2: _T.FLIP_LEFT_RIGHT, 3: _T.ROTATE_180, 4: _T.FLIP_TOP_BOTTOM, 5: _T.TRANSPOSE, 6: _T.ROTATE_270,
            7: _T.TRANSVERSE, 8: _T.ROTATE_90}  # fmt: skip  # EXIF orientation → the turn that shows it upright
_RESAMPLED_AS_IS = frozenset({"RGB", "RGBA", "L", "LA", "CMYK"})
_BROKEN = (OSError, SyntaxError, ValueError, EOFError)  # Pillow's ways of saying the data is broken or truncated


class ImageRefused(ValueError):
    """Not an image we serve: `code` says why (not_an_image, too_many_pixels, broken)."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class Rendered:
    content_type: str
    data: bytes
    width: int
    height: int


def render(data: bytes, *, width: int) -> Rendered:
    """The image in `data`, at most `width` pixels wide (0: its own width), as readers get it."""
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError as exc:
        raise ImageRefused("not a JPEG, PNG, GIF, WebP or AVIF image", code="not_an_image") from exc
    except Image.DecompressionBombError as exc:
        raise ImageRefused(str(exc), code="too_many_pixels") from exc
    except _BROKEN as exc:
        raise ImageRefused(f"cannot read the image: {exc}", code="broken") from exc
    with image:
        pixels = image.width * image.height
        if pixels > MAX_PIXELS:
            raise ImageRefused(
                f"{image.width}×{image.height} is more than {MAX_PIXELS:,} pixels", code="too_many_pixels"
            )
        try:
            if getattr(image, "is_animated", False):
                image.seek(0)  # counting the frames read them all: a broken one is refused here
                return Rendered(Image.MIME[image.format], data, image.width, image.height)
            return _still(image, width)
        except _BROKEN as exc:
            raise ImageRefused(f"cannot decode the image: {exc}", code="broken") from exc


def _still(image: Image.Image, width: int) -> Rendered:
    orientation = image.getexif().get(_ORIENTATION, 1)
    has_alpha = image.has_transparency_data
    icc_profile = image.info.get("icc_profile")
    if image.mode not in _RESAMPLED_AS_IS:  # a palette or 1-bit image is resized as colour (Pillow would not filter it)
        image = image.convert("RGBA" if has_alpha else "RGB")
    bound = min(width or MAX_SIDE, MAX_SIDE)
    # The box is in the stored orientation: a sideways photo's shown width is its stored height.
    image.thumbnail((MAX_SIDE, bound) if orientation in _SIDEWAYS else (bound, MAX_SIDE), Image.Resampling.LANCZOS)
    shown = image.convert("RGBA" if has_alpha else "RGB")
    if orientation in _UPRIGHT:
        shown = shown.transpose(_UPRIGHT[orientation])
    out = io.BytesIO()
    shown.save(out, "WEBP", quality=WEBP_QUALITY, method=4, icc_profile=icc_profile)
    return Rendered("image/webp", out.getvalue(), shown.width, shown.height)
