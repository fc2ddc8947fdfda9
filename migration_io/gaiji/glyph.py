"""A 外字's glyph image: a small PNG, decoded and written again by Pillow.

The upload is limited to ``MAX_BYTES`` before it is read (``tenants.uploads``); the image
must be a PNG of at most ``MAX_SIDE`` pixels a side. It is decoded and re-encoded as a new
greyscale-with-alpha PNG, so what is stored and served is pixels only: no text chunks, no
metadata, no trailing bytes, nothing a browser could take for another type.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image

MAX_BYTES = 64 * 1024
MAX_LABEL = "64KB"
MAX_SIDE = 512


class GlyphRefused(ValueError):
    pass


def glyph_clean(data: bytes) -> bytes:
    if len(data) > MAX_BYTES:
        raise GlyphRefused(f"字形画像が大きすぎます（上限 {MAX_LABEL}）。")
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise GlyphRefused("字形画像はPNG形式のファイルを選んでください。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=["PNG"]) as probe:
                width, height = probe.size
                if width > MAX_SIDE or height > MAX_SIDE or width < 1 or height < 1:
                    raise GlyphRefused(f"字形画像は縦横{MAX_SIDE}ピクセル以内にしてください。")
                probe.load()
                image = probe.convert("LA")
    except GlyphRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise GlyphRefused("字形画像を読み取れません。PNG形式の画像を選んでください。") from exc
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
