"""From a publisher's bytes to the image readers get (newsstand.images.transform): pure, no network."""

from __future__ import annotations

import time

import pytest
from PIL import Image

from newsstand.images.transform import MAX_PIXELS, ImageRefused, render
from tests.images.images import SVG, encoded, opened, photo, png_bomb


def test_a_photo_is_resized_to_the_width_keeping_its_shape_and_made_webp():
    made = render(photo(2000, 1000), width=320)
    image = opened(made.data)
    assert (made.content_type, image.format, image.size) == ("image/webp", "WEBP", (320, 160))
    assert (made.width, made.height) == (320, 160)


def test_a_small_image_is_never_enlarged_and_width_zero_keeps_the_size():
    assert opened(render(photo(100, 50), width=640).data).size == (100, 50)
    assert opened(render(photo(1500, 900), width=0).data).size == (1500, 900)


def test_metadata_goes_but_the_orientation_is_applied_first():
    """A phone photo stored sideways with its GPS position: readers get it upright, and without the position."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    exif[0x010F] = "Camera maker"
    exif.get_ifd(0x8825)[2] = (59.0, 19.0, 48.0)  # GPS latitude
    sideways = photo(400, 200, exif=exif.tobytes(), comment=b"shot at home")
    assert opened(sideways).getexif()  # the test's image does carry them
    made = render(sideways, width=0)
    shown = opened(made.data)
    assert shown.size == (200, 400)
    assert not shown.getexif() and "exif" not in shown.info and "xmp" not in shown.info
    assert opened(render(sideways, width=64).data).size == (64, 128)  # the width is the width readers see


def _logo() -> Image.Image:
    logo = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (16, 16, 48, 48))
    return logo


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encoded(_logo(), "PNG"), id="png with alpha"),
        pytest.param(encoded(_logo().convert("P"), "PNG", transparency=0), id="palette png"),
        pytest.param(encoded(_logo().convert("P"), "GIF", transparency=0), id="gif"),
    ],
)
def test_transparency_is_kept(data):
    shown = opened(render(data, width=0).data)
    assert shown.mode == "RGBA" and shown.getpixel((0, 0))[3] == 0 and shown.getpixel((32, 32))[3] == 255


def test_an_animated_image_is_served_as_it_came():
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((200, 0, 0), (0, 200, 0), (0, 0, 200))]
    gif = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    made = render(gif, width=160)
    assert (made.content_type, made.data) == ("image/gif", gif)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(SVG, id="svg"),
        pytest.param(b"<!doctype html><title>Not found</title>", id="html"),
        pytest.param(encoded(Image.new("RGB", (20, 20)), "BMP"), id="bmp, a format not served"),
        pytest.param(b"", id="empty"),
    ],
)
def test_anything_but_the_served_formats_is_refused(data):
    with pytest.raises(ImageRefused) as refused:
        render(data, width=160)
    assert refused.value.code == "not_an_image"


def test_a_truncated_image_is_refused():
    data = photo(800, 600)
    with pytest.raises(ImageRefused) as refused:
        render(data[: len(data) // 2], width=160)
    assert refused.value.code == "broken"


@pytest.mark.parametrize(
    "size", [(30_000, 30_000), (8_000, 5_001)], ids=["beyond Pillow's own guard", "just past ours"]
)
def test_a_decompression_bomb_is_refused_from_its_header(size):
    assert size[0] * size[1] > MAX_PIXELS
    started = time.monotonic()
    with pytest.raises(ImageRefused) as refused:
        render(png_bomb(*size), width=160)
    assert refused.value.code == "too_many_pixels"
    assert time.monotonic() - started < 0.5, "refused before decoding"
