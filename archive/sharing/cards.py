"""Share images: a turn's quote, or the archive's name, drawn as a 1200×630 PNG card.

Sites that unfurl links (chat, social networks) show a picture far more readily than text.
The cards are drawn with Pillow's bundled font (``ImageFont.load_default(size=…)``), so
nothing depends on the fonts a machine happens to have. Glyphs the bundled font lacks
(Greek, Cyrillic, Chinese…) are drawn from a system font when one is installed.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
BACKGROUND = (255, 255, 255)
PANEL = (245, 246, 248)
TEXT = (27, 31, 36)
MUTED = (83, 91, 102)
ACCENT = (23, 74, 132)
QUOTE_SIZES = (52, 46, 40, 34)  # the largest size at which the quote fits is used
QUOTE_LINES = 6
ELLIPSIS = "…"

# Fonts with wide coverage that Debian machines often have; used only when present.
FALLBACK_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


@functools.lru_cache(maxsize=16)
def font(size: int):
    """Pillow's bundled font at ``size``, with a system font behind it for other scripts."""
    bundled = ImageFont.load_default(size=size)
    for path in FALLBACK_FONTS:
        if Path(path).exists():
            fallback = ImageFont.truetype(path, size)
            return _Chain(bundled, fallback)
    return _Chain(bundled, None)


class _Chain:
    """Measures and draws text with the bundled font, switching to the fallback font for
    characters the bundled one cannot draw."""

    def __init__(self, primary, fallback):
        self.primary = primary
        self.fallback = fallback
        self.size = primary.size

    @functools.lru_cache(maxsize=4096)
    def _has(self, char: str) -> bool:
        if self.fallback is None or char.isspace() or char.isascii():
            return True
        # The bundled font draws a missing glyph as its ".notdef" box, which has the
        # same mask as any other missing character: compare with a private-use one.
        return self._shape(char) != self._shape("\ue000")

    def _shape(self, char: str) -> bytes:
        box = Image.new("L", (self.size * 2, self.size * 2))
        ImageDraw.Draw(box).text((0, 0), char, font=self.primary, fill=255)
        return box.tobytes()

    def runs(self, text: str):
        """``(font, piece)`` runs of ``text``."""
        runs: list[tuple[object, str]] = []
        for char in text:
            chosen = self.primary if self._has(char) else self.fallback
            if runs and runs[-1][0] is chosen:
                runs[-1] = (chosen, runs[-1][1] + char)
            else:
                runs.append((chosen, char))
        return runs

    def width(self, text: str) -> float:
        return sum(f.getlength(piece) for f, piece in self.runs(text))

    def draw(self, draw: ImageDraw.ImageDraw, xy, text: str, fill) -> None:
        x, y = xy
        for f, piece in self.runs(text):
            draw.text((x, y), piece, font=f, fill=fill)
            x += f.getlength(piece)


def wrap(text: str, face: _Chain, width: float) -> list[str]:
    """Lines of ``text`` no wider than ``width``; a word wider than a line is cut."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if face.width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.width(word) > width:
            cut = len(word)
            while cut > 1 and face.width(word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit(text: str, face: _Chain, width: float, max_lines: int) -> list[str]:
    """At most ``max_lines`` wrapped lines, the last ending in an ellipsis when text was left out."""
    lines = wrap(text, face, width)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and face.width(last + ELLIPSIS) > width:
        last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
    kept[-1] = last.rstrip(" ,;:") + ELLIPSIS
    return kept


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _canvas():
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 16, HEIGHT), fill=ACCENT)
    draw.rectangle((0, HEIGHT - 96, WIDTH, HEIGHT), fill=PANEL)
    return image, draw


def turn_card(*, quote: str, speaker: str, context: str, archive_name: str) -> bytes:
    """A quote card: the words in large type, who said them, where and when, and the archive."""
    image, draw = _canvas()
    text_width = WIDTH - 2 * MARGIN
    quote = " ".join(quote.split()) or ELLIPSIS
    for size in QUOTE_SIZES:
        face = font(size)
        lines = fit(f"“{quote}”", face, text_width, QUOTE_LINES)
        if len(lines) * size * 1.3 <= 380 or size == QUOTE_SIZES[-1]:
            break
    y = MARGIN - 8
    for line in lines:
        face.draw(draw, (MARGIN, y), line, TEXT)
        y += round(size * 1.3)
    who = font(34)
    y = max(y + 24, 400)
    who.draw(draw, (MARGIN, y), fit(f"— {speaker}", who, text_width, 1)[0], ACCENT)
    small = font(26)
    small.draw(draw, (MARGIN, y + 50), fit(context, small, text_width, 1)[0], MUTED)
    footer = font(28)
    footer.draw(draw, (MARGIN, HEIGHT - 64), fit(archive_name, footer, text_width, 1)[0], TEXT)
    return _png(image)


def site_card(*, archive_name: str, tagline: str) -> bytes:
    """The archive's own card, for pages that have no picture of their own."""
    image, draw = _canvas()
    text_width = WIDTH - 2 * MARGIN
    title = font(72)
    y = 170
    for line in fit(archive_name, title, text_width, 2):
        title.draw(draw, (MARGIN, y), line, TEXT)
        y += 90
    body = font(34)
    for line in fit(tagline, body, text_width, 3):
        body.draw(draw, (MARGIN, y + 20), line, MUTED)
        y += 46
    return _png(image)
