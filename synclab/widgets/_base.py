"""What every lab has in common: controls, a status line and one figure.

When a control changes (sliders report only when released), the experiment runs again with real threads
in the kernel's own thread, the status line says what it found, and the one figure is redrawn and shown
in one output area, replaced in a single update (no flicker, no pile-up). Worker threads never touch a
widget: experiments return plain results, and only this code, in the kernel's thread, updates widgets.
"""

from __future__ import annotations

import base64
import html
import io
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Generic, NamedTuple, TypeVar

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from synclab._validate import check_float, check_int
from synclab.plots._render import LabCanvas
from synclab.plots._style import LAB_DPI, fmt_seconds

ResultT = TypeVar("ResultT")

#: Seconds a lab's experiment may run before it is stopped and the status line says so. No setting of
#: the controls comes near it on an idle machine (the slowest take under 2 s); it is there for a busy one.
LAB_TIMEOUT = 10.0


def label_style(**more: str) -> dict[str, str]:
    """A control's style: its label at full width, never cut short, plus ``more`` (``button_width=...``)."""
    return {"description_width": "initial", **more}


def int_slider(
    description: str, value: object, low: int, high: int, step: int = 1, *, name: str = "", width: str | None = None
) -> widgets.IntSlider:
    """A lab's whole-number slider: reports only when released, its label never cut short. It refuses a ``value``
    outside ``[low, high]`` as ``check_int(name or description, ...)`` does (ipywidgets would silently clamp it)."""
    value = check_int(name or description, value, low, high)
    return _slider(widgets.IntSlider, description, value, low, high, step, layout=widgets.Layout(width=width))


def float_slider(
    description: str, value: object, low: float, high: float, step: float, *, name: str, unit: str
) -> widgets.FloatSlider:
    """Like :func:`int_slider`, for decimal values (``check_float(name, ..., unit=unit)``)."""
    return _slider(widgets.FloatSlider, description, check_float(name, value, low, high, unit=unit), low, high, step)


def _slider(kind: Any, description: str, value: float, low: float, high: float, step: float, **more: Any) -> Any:
    settings = {"description": description, "continuous_update": False, "style": label_style()}
    return kind(value=value, min=low, max=high, step=step, **settings, **more)


def toggle_buttons(
    description: str, options: Sequence[Any], value: Any, tooltips: Sequence[str], *, button_width: str
) -> widgets.ToggleButtons:
    """A row of buttons to pick one of ``options`` (or ``(label, value)`` pairs), each with its tooltip."""
    style = label_style(button_width=button_width)
    return widgets.ToggleButtons(
        options=options, value=value, description=description, tooltips=list(tooltips), style=style
    )


def switch(value: bool, on: dict[str, str], off: dict[str, str], **fixed: Any) -> widgets.ToggleButton:
    """A toggle button whose label (and icon, tooltip...) says its state: the traits ``on`` when pressed,
    ``off`` when not; ``fixed`` for the rest."""
    button = widgets.ToggleButton(value=value, **fixed)
    for name in on:  # each link sets its trait now and whenever the state changes
        widgets.dlink((button, "value"), (button, name), lambda pressed, name=name: (on if pressed else off)[name])
    return button


def finding(text: str, good: bool) -> str:
    """``text`` in bold, green when ``good``, else red: what a run found, for a status line."""
    return f"<span style='color:{'#009E73' if good else '#D55E00'}'><b>{html.escape(text)}</b></span>"


def render_png(fig: Figure) -> tuple[bytes, float]:
    """``fig`` rendered at its own resolution as a PNG on a :class:`~synclab.plots._render.LabCanvas`
    (attached once: the same pixels in half the time), and the seconds the encoding took."""
    canvas = fig.canvas if isinstance(fig.canvas, LabCanvas) else LabCanvas(fig)
    canvas.draw()
    started = time.perf_counter()
    png = encode_png(np.asarray(canvas.buffer_rgba()))
    return png, time.perf_counter() - started


def encode_png(rgba: np.ndarray) -> bytes:
    """The pixels ``rgba`` (height x width x 4) as a lossless PNG, without the alpha channel when every pixel is
    opaque, at zlib level 1, the fastest (6, Pillow's default, took 40 % longer for a file 5 % smaller)."""
    opaque = bool(rgba[..., 3].min() == 255)
    buffer = io.BytesIO()
    Image.fromarray(rgba[..., :3] if opaque else rgba).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def figure_output(fig: Figure, alt: str) -> dict[str, Any]:
    """A Jupyter ``display_data`` output holding ``fig`` as a PNG, with ``alt`` as its text (what nbval compares)."""
    return _png_output(render_png(fig)[0], alt)


def _png_output(png: bytes, alt: str) -> dict[str, Any]:
    data = {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}
    return {"output_type": "display_data", "data": data, "metadata": {}}


class RunTimings(NamedTuple):
    """Where the seconds of a lab's last re-run went (``encoding`` is part of ``rendering``)."""

    experiment: float
    drawing: float
    rendering: float
    encoding: float

    @property
    def total(self) -> float:
        """The whole re-run, as the learner waited for it."""
        return self.experiment + self.drawing + self.rendering


class Lab(Generic[ResultT]):
    """Base class of the labs. A subclass builds its controls, then calls ``Lab.__init__``, which runs it once, and
    provides ``run()`` (the experiment with the controls' current values), ``draw(result, fig)`` (into ``fig``,
    keeping its axes where it can, or into a new figure) and ``describe(result)`` (one line of HTML saying what the
    run found); ``activity()`` says what a run with the current settings does, shown while it runs.

    ``threads_control`` and ``lock_control`` get the CSS classes the browser test uses to find them;
    ``first_row`` of the ``controls`` go on the first row, the rest before "Run again". ``last_timings``
    says where the last re-run's time went (``None`` before the first run and after a refused one).
    """

    def __init__(
        self,
        title: str,
        instructions: str,
        controls: Sequence[widgets.Widget],
        *,
        threads_control: widgets.Widget | None = None,
        lock_control: widgets.Widget | None = None,
        first_row: int = 3,
    ) -> None:
        self.result: ResultT | None = None
        self._quiet = 0
        self.runs = 0
        self.last_seconds = 0.0
        self.last_timings: RunTimings | None = None
        self.figure: Figure | None = None
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2.5em"))
        self.output = widgets.Output(layout=widgets.Layout(min_height="300px"))
        tooltip = "Run the experiment again with the same settings: real threads vary from run to run"
        self.run_button = widgets.Button(description="Run again", icon="refresh", tooltip=tooltip)
        self.run_button.on_click(lambda _button: self.rerun())
        self.controls = tuple(controls)
        for control in self.controls:
            control.observe(self._on_change, names="value")
        for control, css in ((threads_control, "synclab-threads"), (lock_control, "synclab-lock")):
            if control is not None:
                control.add_class(css)
        header = widgets.HTML(f"<b>{html.escape(title)}</b><br>{instructions}")
        first, rest = self.controls[:first_row], self.controls[first_row:]
        rows = [widgets.HBox(list(first)), widgets.HBox([*rest, self.run_button])]
        self.widget = widgets.VBox([header, *rows, self.status, self.output])
        self.widget.add_class("synclab-lab")
        self.rerun()

    def activity(self) -> str:
        """What a run with the current settings does, shown while it runs (``4 threads x 100 increments``)."""
        return "running the experiment"

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.rerun()

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Change controls inside this block without re-running the lab (call :meth:`rerun` afterwards)."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def rerun(self) -> ResultT | None:
        """Run the experiment, then update the status line and the figure; ``None`` if the settings were
        refused or the run timed out (the status line then says why)."""
        started = time.perf_counter()
        self.status.value = f"<i>⏳ {html.escape(self.activity())}…</i>"
        try:
            result = self.run()
        except (ValueError, TypeError, TimeoutError) as exc:  # bad settings or too much work
            self.result = self.last_timings = None
            self.last_seconds = time.perf_counter() - started
            after = _grey(f"after {fmt_seconds(self.last_seconds)}")
            self.status.value = f"<span style='color:#D55E00'>⚠ {html.escape(str(exc))}</span>{after}"
            return None
        ran = time.perf_counter()
        self.result = result
        self.runs += 1
        self.status.value = f"<i>⏳ drawing the plots (the threads took {fmt_seconds(ran - started)})…</i>"
        self.figure = self.draw(result, self.figure)
        if self.figure.dpi != LAB_DPI:  # once: a lab's figure keeps its resolution
            self.figure.set_dpi(LAB_DPI)
        drawn = time.perf_counter()
        png, encoding = render_png(self.figure)
        line = self.describe(result)  # the figure's alt text is its plain text
        self.output.outputs = (_png_output(png, html.unescape(re.sub(r"<[^>]+>", "", line))),)
        done = time.perf_counter()
        self.last_timings = RunTimings(ran - started, drawn - ran, done - drawn, encoding)
        self.last_seconds = done - started
        took = f"this re-run took {fmt_seconds(done - started)} ({fmt_seconds(done - ran)} of it drawing)"
        self.status.value = line + _grey(took)
        return result

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _grey(text: str) -> str:
    return f"<span class='synclab-timing' style='color:#555555'> · {text}</span>"
