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
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import ipywidgets as widgets
from matplotlib.figure import Figure

ResultT = TypeVar("ResultT")

#: Errors an experiment raises for bad settings or too much work; shown in the
#: status line instead of a traceback.
_SHOWN_ERRORS = (ValueError, TypeError, TimeoutError)


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


def figure_output(fig: Figure, alt: str) -> dict[str, Any]:
    """A Jupyter ``display_data`` output holding ``fig`` as a PNG image.

    Args:
        fig: The figure to render.
        alt: Text shown where images are not (and what nbval compares).

    Returns:
        A dict in the notebook output format, for ``Output.outputs``.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return {
        "output_type": "display_data",
        "data": {"image/png": base64.b64encode(buffer.getvalue()).decode("ascii"), "text/plain": alt},
        "metadata": {},
    }


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
        self.runs = 0
        self.last_seconds = 0.0
        self.figure: Figure | None = None
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2.5em"))
        self.output = widgets.Output(layout=widgets.Layout(min_height="360px"))
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
        """Draw ``result`` into ``fig`` (cleared first) or a new figure."""
        raise NotImplementedError

    def describe(self, result: ResultT) -> str:
        """One line of HTML saying what the run found."""
        raise NotImplementedError

    # -- the re-run cycle ------------------------------------------------------

    def _on_change(self, _change: dict[str, Any]) -> None:
        self.rerun()

    def rerun(self) -> ResultT | None:
        """Run the experiment, then update the status line and the figure.

        Returns:
            The new result, or ``None`` if the settings were refused or the run
            timed out (the status line then says why).
        """
        started = time.perf_counter()
        self.status.value = "<i>running…</i>"
        try:
            result = self.run()
        except _SHOWN_ERRORS as exc:
            self.result = None
            self.status.value = f"<span style='color:#D55E00'>⚠ {html.escape(str(exc))}</span>"
            return None
        self.result = result
        self.runs += 1
        self.figure = self.draw(result, self.figure)
        self.output.outputs = (figure_output(self.figure, self.describe_text(result)),)
        self.last_seconds = time.perf_counter() - started
        self.status.value = self.describe(result)
        return result

    def describe_text(self, result: ResultT) -> str:
        """Plain-text version of :meth:`describe`, used as the figure's alt text."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.describe(result)))

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
