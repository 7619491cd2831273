"""The labs' canvas draws text from the glyph images it kept (the same pixels as matplotlib's own), and its PNG."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import synclab
from synclab.plots import _render
from synclab.plots._render import LabCanvas
from synclab.widgets._base import encode_png


def _pixels(canvas: FigureCanvasAgg) -> np.ndarray:
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def _figure(shift: float = 0.0) -> Figure:
    """Text of many kinds: rotated, several lines, sizes, weights, colours, alpha, clipped, and a mathtext label."""
    fig = Figure(figsize=(6.0, 3.0), dpi=80)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_title(f"A title, moved by {shift:g}\nand a second line")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("waiting (µs)", rotation=90)
    ax.text(0.3 + shift, 2.5, "fi ffl AV Wa", fontsize=13, fontweight="bold", color="#D55E00", alpha=0.6)
    ax.text(1.0 + shift / 3, 1.5, "rotated 30°", rotation=30, fontsize="small", clip_on=True)
    ax.text(1.5, 2.8, r"$\alpha^2$ mathtext", fontsize=9)
    fig.suptitle("suptitle", fontweight="bold")
    return fig


@pytest.mark.parametrize("shift", [0.0, 0.25, 1 / 3])
def test_text_from_kept_glyphs_has_the_same_pixels_as_matplotlib(shift):
    expected = _pixels(FigureCanvasAgg(_figure(shift)))
    fig = _figure(shift)
    canvas = LabCanvas(fig)
    assert np.array_equal(_pixels(canvas), expected)  # drawn and kept
    assert np.array_equal(_pixels(canvas), expected)  # from what was kept
    assert np.array_equal(_pixels(LabCanvas(_figure(shift))), expected)  # kept by another canvas


def test_a_lab_figure_has_the_same_pixels_as_matplotlib():
    lab = synclab.counter_lab(increments=100, use_lock=True)
    assert isinstance(lab.figure.canvas, LabCanvas)  # the lab rendered its figure on one
    kept = _pixels(lab.figure.canvas)
    assert np.array_equal(_pixels(FigureCanvasAgg(lab.figure)), kept)


def test_the_kept_text_is_bounded(monkeypatch):
    monkeypatch.setattr(_render, "TEXT_CACHE_SIZE", 5)
    fig = Figure(figsize=(4.0, 2.0), dpi=80)
    for i in range(20):
        fig.text(0.05 * i, 0.5, f"text {i}")
    LabCanvas(fig).draw()
    assert len(_render._cache) <= 5


@pytest.mark.parametrize("opaque", [True, False])
def test_the_lab_png_holds_exactly_the_pixels(opaque):
    rng = np.random.default_rng(1)
    rgba = rng.integers(0, 256, size=(37, 53, 4), dtype=np.uint8)
    if opaque:
        rgba[..., 3] = 255
    png = encode_png(rgba)
    with Image.open(io.BytesIO(png)) as image:
        assert image.mode == ("RGB" if opaque else "RGBA")
        assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)


def test_a_lab_shows_its_canvas_pixels():
    lab = synclab.pool_lab(threads=2)
    png = base64.b64decode(lab.output.outputs[0]["data"]["image/png"])
    with Image.open(io.BytesIO(png)) as image:
        assert np.array_equal(np.asarray(image.convert("RGBA")), np.asarray(lab.figure.canvas.buffer_rgba()))
