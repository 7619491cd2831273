"""What every lab has in common: controls, a status line and one figure.

A lab wires its controls to one experiment and its plots. When a control
changes (sliders report only when released), the experiment runs again with
real threads in the kernel's own thread, the status line says what it found,
and the one figure is redrawn and shown in one output area. The output is
replaced in a single update, so it neither flickers nor piles up, and the same
figure object is reused, so re-running never accumulates figures.

Worker threads never touch a widget: experiments return plain results, and only
this code, in the kernel's thread, updates the widgets.
"""

from __future__ import annotations

import base64
import html
import io
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure
from PIL import Image

from synclab.plots._render import LabCanvas
from synclab.plots._style import LAB_DPI, fmt_seconds

ResultT = TypeVar("ResultT")

#: Errors an experiment raises for bad settings or too much work; shown in the
#: status line instead of a traceback.
_SHOWN_ERRORS = (ValueError, TypeError, TimeoutError)
#: zlib level of the lab PNGs: 1 is the fastest (6, Pillow's default, took 40 % longer for a file 5 % smaller).
PNG_COMPRESSION = 1
#: Seconds a lab's experiment may run before it is stopped and the status line
#: says so. Every lab's controls are chosen so that no setting comes near it on
#: an idle machine (the slowest take under 2 s); it is there for a busy one.
LAB_TIMEOUT = 10.0


def label_style(**more: str) -> dict[str, str]:
    """A control's style: its label at full width, never cut short, plus ``more`` (``button_width=...``)."""
    return {"description_width": "initial", **more}


def _slider_settings(description: str, value: float, low: float, high: float, step: float) -> dict[str, Any]:
    """What every lab slider is given: reports only when released, its label never cut short."""
    return {
        "value": value,
        "min": low,
        "max": high,
        "step": step,
        "description": description,
        "continuous_update": False,
        "style": label_style(),
    }


def int_slider(
    description: str, value: int, low: int, high: int, step: int = 1, *, width: str | None = None
) -> widgets.IntSlider:
    """A lab's whole-number slider: reports only when released, its label never cut short.

    Args:
        description: The label, with the unit in brackets where there is one.
        value: The starting value.
        low: The smallest value.
        high: The largest value.
        step: The step between values.
        width: The slider's CSS width (``"26em"``), for a long label; the default width if omitted.

    Returns:
        The slider.
    """
    extra = {} if width is None else {"layout": widgets.Layout(width=width)}
    return widgets.IntSlider(**_slider_settings(description, value, low, high, step), **extra)


def float_slider(
    description: str, value: float, low: float, high: float, step: float, *, readout_format: str = ".2f"
) -> widgets.FloatSlider:
    """Like :func:`int_slider`, for decimal values, shown with ``readout_format``."""
    return widgets.FloatSlider(**_slider_settings(description, value, low, high, step), readout_format=readout_format)


def toggle_buttons(
    description: str, options: Sequence[Any], value: Any, tooltips: Sequence[str], *, button_width: str
) -> widgets.ToggleButtons:
    """A lab's row of buttons to pick one of ``options``, each with its tooltip.

    Args:
        description: The label in front of the buttons.
        options: The choices (or ``(label, value)`` pairs).
        value: The starting choice.
        tooltips: One tooltip per choice.
        button_width: Every button's CSS width (``"6em"``), wide enough for the longest label.

    Returns:
        The buttons.
    """
    return widgets.ToggleButtons(
        options=options,
        value=value,
        description=description,
        tooltips=list(tooltips),
        style=label_style(button_width=button_width),
    )


def render_png(fig: Figure) -> tuple[bytes, float]:
    """Render ``fig`` at its own resolution and encode it as a PNG.

    Renders with Agg on the figure's own canvas (a :class:`~synclab.plots._render.LabCanvas`,
    attached once, which draws text it has drawn before from the glyph images it
    kept: the same pixels in half the time), then encodes the pixels
    (:func:`encode_png`).

    Args:
        fig: The figure.

    Returns:
        The PNG bytes, and the seconds the encoding took (without the rendering).
    """
    canvas = fig.canvas if isinstance(fig.canvas, LabCanvas) else LabCanvas(fig)
    canvas.draw()
    started = time.perf_counter()
    png = encode_png(np.asarray(canvas.buffer_rgba()))
    return png, time.perf_counter() - started


def encode_png(rgba: np.ndarray) -> bytes:
    """The pixels ``rgba`` (height x width x 4 bytes) as a PNG file, losslessly, written for speed.

    Pillow (which matplotlib uses too) writes it, without the alpha channel
    when every pixel is opaque and at zlib level :data:`PNG_COMPRESSION`:
    12.6 ms for the bank lab's figure against 17.8 ms at Pillow's default
    level, for a file 5 % larger (measured on this course's 2-core machine).
    """
    opaque = bool(rgba[..., 3].min() == 255)
    buffer = io.BytesIO()
    Image.fromarray(rgba[..., :3] if opaque else rgba).save(buffer, format="png", compress_level=PNG_COMPRESSION)
    return buffer.getvalue()


def figure_output(fig: Figure, alt: str) -> dict[str, Any]:
    """A Jupyter ``display_data`` output holding ``fig`` as a PNG image.

    Args:
        fig: The figure to render, at its own resolution (the labs' is
            :data:`~synclab.plots._style.LAB_DPI`).
        alt: Text shown where images are not (and what nbval compares).

    Returns:
        A dict in the notebook output format, for ``Output.outputs``.
    """
    png, _ = render_png(fig)
    return _png_output(png, alt)


def _png_output(png: bytes, alt: str) -> dict[str, Any]:
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt},
        "metadata": {},
    }


@dataclass(frozen=True, slots=True)
class RunTimings:
    """Where the time of a lab's last re-run went, in seconds.

    Attributes:
        experiment: Running the experiment (the threads).
        drawing: Drawing the result into the figure.
        rendering: Rendering the figure to pixels and encoding the PNG.
        encoding: Of ``rendering``, the PNG encoding alone.
    """

    experiment: float
    drawing: float
    rendering: float
    encoding: float

    @property
    def total(self) -> float:
        """The whole re-run, as the learner waited for it."""
        return self.experiment + self.drawing + self.rendering


class Lab(Generic[ResultT]):
    """Base class of the labs: subclasses provide ``run``, ``draw`` and ``describe``.

    Args:
        title: Shown in bold above the controls.
        instructions: One or two sentences on what to try.
        controls: The widgets whose changes re-run the experiment.
        threads_control: The control that sets the number of threads, if any.
        lock_control: The control that switches the lock (or the fix) on and off.
        first_row: How many of ``controls`` go on the first row; the rest go on
            the second, before the "Run again" button.

    Attributes:
        result: The latest result (``None`` if the last run failed).
        runs: How many times the experiment has run.
        last_seconds: Wall time of the last re-run (experiment and drawing).
        last_timings: Where that time went (:class:`RunTimings`), or ``None``
            before the first run and after a refused one.
        figure: The one figure the lab draws into.
        widget: The lab's whole user interface.
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
        self.run_button = widgets.Button(
            description="Run again",
            icon="refresh",
            tooltip="Run the experiment again with the same settings: real threads vary from run to run",
        )
        self.run_button.on_click(lambda _button: self.rerun())
        self.controls = tuple(controls)
        for control in self.controls:
            control.observe(self._on_change, names="value")
        # CSS classes let the browser test find any lab's thread slider and lock switch.
        if threads_control is not None:
            threads_control.add_class("synclab-threads")
        if lock_control is not None:
            lock_control.add_class("synclab-lock")
        header = widgets.HTML(f"<b>{html.escape(title)}</b><br>{instructions}")
        self.widget = widgets.VBox(
            [
                header,
                widgets.HBox(list(self.controls[:first_row])),
                widgets.HBox([*self.controls[first_row:], self.run_button]),
                self.status,
                self.output,
            ]
        )
        self.widget.add_class("synclab-lab")

    # -- to provide in subclasses -------------------------------------------

    def run(self) -> ResultT:
        """Run the experiment with the controls' current values."""
        raise NotImplementedError

    def draw(self, result: ResultT, fig: Figure | None) -> Figure:
        """Draw ``result`` into ``fig`` (redrawn, keeping its axes where it can) or a new figure."""
        raise NotImplementedError

    def describe(self, result: ResultT) -> str:
        """One line of HTML saying what the run found."""
        raise NotImplementedError

    def activity(self) -> str:
        """What a run with the current settings does, shown while it runs (``4 threads x 100 increments``)."""
        return "running the experiment"

    # -- the re-run cycle ------------------------------------------------------

    def _on_change(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.rerun()

    @contextmanager
    def quietly(self) -> Iterator[None]:
        """Change controls inside this block without each change re-running the lab.

        Nothing runs at the end either: call :meth:`rerun` afterwards to run
        once with all the new settings.
        """
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1

    def rerun(self) -> ResultT | None:
        """Run the experiment, then update the status line and the figure.

        While it runs, the status line says what it is doing; afterwards, what
        the run found and how long it took.

        Returns:
            The new result, or ``None`` if the settings were refused or the run
            timed out (the status line then says why).
        """
        started = time.perf_counter()
        self.status.value = f"<i>⏳ {html.escape(self.activity())}…</i>"
        try:
            result = self.run()
        except _SHOWN_ERRORS as exc:
            self.result = None
            self.last_timings = None
            self.last_seconds = time.perf_counter() - started
            self.status.value = (
                f"<span style='color:#D55E00'>⚠ {html.escape(str(exc))}</span>{_after(self.last_seconds)}"
            )
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
        self.output.outputs = (_png_output(png, self.describe_text(result)),)
        done = time.perf_counter()
        self.last_timings = RunTimings(ran - started, drawn - ran, done - drawn, encoding)
        self.last_seconds = done - started
        self.status.value = self.describe(result) + _timing_note(self.last_timings)
        return result

    def describe_text(self, result: ResultT) -> str:
        """Plain-text version of :meth:`describe`, used as the figure's alt text."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.describe(result)))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def _timing_note(timings: RunTimings) -> str:
    """`` · this re-run took 84 ms (53 ms of it drawing)``, in grey, for the end of a status line."""
    return (
        f"<span class='synclab-timing' style='color:#555555'> · this re-run took {fmt_seconds(timings.total)} "
        f"({fmt_seconds(timings.drawing + timings.rendering)} of it drawing)</span>"
    )


def _after(seconds: float) -> str:
    return f"<span class='synclab-timing' style='color:#555555'> · after {fmt_seconds(seconds)}</span>"
