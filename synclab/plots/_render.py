"""A canvas for the labs that renders each piece of text once and then reuses its pixels.

Drawing text is about half of rendering a lab's figure: FreeType rasterises every glyph each time (50-150 µs
a glyph on matplotlib 3.11). This canvas keeps the glyph images a string was drawn with and stamps them again
when the same string is drawn with the same font, size, resolution, angle and position within a pixel, so the
pixels stay matplotlib's own. Mathtext, TeX and text with path effects are drawn as usual.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any

import numpy as np
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font

#: How many drawn strings are kept (each a few small glyph images: 2,000 take a few MB).
TEXT_CACHE_SIZE = 2_000

_Stamp = tuple[np.ndarray, int, int, float]
_cache: OrderedDict[tuple[Any, ...], tuple[_Stamp, ...]] = OrderedDict()
#: Ascent, descent and line gap of each font and size the labs use (a handful).
_heights: dict[tuple[Any, float], tuple[float | None, float | None, float | None]] = {}


class _Recorder:
    """Stands in for the Agg renderer while a string is drawn, and keeps what was stamped."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.stamps: list[_Stamp] = []

    def draw_text_image(self, image: Any, x: int, y: int, angle: float, gc: Any) -> None:
        # matplotlib 3.10 passes the font itself (its bitmap, reused by the next string): copy the pixels.
        pixels = np.array(image, dtype=np.uint8, copy=True)
        self.stamps.append((pixels, int(x), int(y), angle))
        self._inner.draw_text_image(pixels, x, y, angle, gc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _TextCachingRenderer(RendererAgg):
    """:class:`RendererAgg` that draws a string it has drawn before from the glyph images it kept."""

    def _get_font_height_metrics(self, prop: Any) -> tuple[float | None, float | None, float | None]:
        # matplotlib 3.11 asks a renderer for these on every text layout, else reads three font tables each time.
        key = (prop.copy(), self.dpi)
        found = _heights.get(key)
        if found is None:
            found = _heights[key] = _font_height_metrics(prop, self.dpi)
        return found

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):  # type: ignore[no-untyped-def]
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        x_whole, y_whole = math.floor(x), math.floor(y)
        # The parity of the whole pixel too: Python's round() takes a half to the even side.
        key = (s, prop.copy(), angle, x - x_whole, y - y_whole, x_whole & 1, y_whole & 1, bool(gc.get_antialiased()))
        key += (self.dpi, self.width, self.height, get_hinting_flag(), rcParams["text.hinting_factor"])
        key += (rcParams["text.kerning_factor"], _features(mtext))
        stamps = _cache.get(key)
        if stamps is None:
            recorder = _Recorder(self._renderer)
            self._renderer = recorder
            try:
                super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            finally:
                self._renderer = recorder._inner
            # Kept relative to the whole pixel the string was placed at, to be stamped anywhere.
            _cache[key] = tuple((pixels, sx - x_whole, sy - y_whole, a) for pixels, sx, sy, a in recorder.stamps)
            while len(_cache) > TEXT_CACHE_SIZE:
                _cache.popitem(last=False)
            return None
        _cache.move_to_end(key)
        inner = self._renderer
        for pixels, sx, sy, a in stamps:
            inner.draw_text_image(pixels, sx + x_whole, sy + y_whole, a, gc)
        return None


def _font_height_metrics(prop: Any, dpi: float) -> tuple[float | None, float | None, float | None]:
    """What matplotlib 3.11's ``Text._get_layout`` computes from the font's tables (``None`` if it has none)."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, linegap_key, ascent_key, descent_key in (
        ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
        ("hhea", "lineGap", "ascent", "descent"),
    ):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
        return table[ascent_key] * scale, -table[descent_key] * scale, table[linegap_key] * scale
    return None, None, None


def _features(mtext: Any) -> tuple[Any, ...]:
    """The text's font features and language (matplotlib 3.11 and later), which change the glyphs."""
    if mtext is None:
        return ()
    features = getattr(mtext, "get_fontfeatures", lambda: None)()
    language = getattr(mtext, "get_language", lambda: None)()
    return (tuple(features) if features is not None else None, language)


class LabCanvas(FigureCanvasAgg):
    """An Agg canvas whose renderer reuses the glyph images of text it has drawn before."""

    def get_renderer(self) -> RendererAgg:
        renderer = super().get_renderer()
        if type(renderer) is RendererAgg:
            renderer.__class__ = _TextCachingRenderer
        return renderer
