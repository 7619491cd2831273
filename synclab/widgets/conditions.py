"""The bounded-buffer lab of notebook 05."""

from __future__ import annotations

import math

import ipywidgets as widgets

from synclab.experiments.conditions import BufferResult, run_buffer
from synclab.plots._style import fmt_seconds
from synclab.plots.conditions import buffer_headline, plot_buffer_run
from synclab.widgets._base import LAB_TIMEOUT, Lab, int_slider

#: Items made per run (rounded up to a multiple of the producers), so every setting does about the
#: same work; at the slowest setting (one consumer at 100 items/s) a run takes about 0.3 s.
LAB_ITEMS = 32


def _rate_slider(description: str, value: object, name: str) -> widgets.IntSlider:
    """100 to 2,000 items/s in steps of 50: a rate between two steps is refused too."""
    slider = int_slider(description, value, 100, 2_000, step=50, name=name, width="26em")
    if slider.value % 50:
        raise ValueError(f"{name} must be a multiple of 50 items/s between 100 and 2000, got {slider.value}")
    return slider


class BufferLab(Lab[BufferResult]):
    """Producers, consumers, buffer size and the two rates (items per second per thread)."""

    draw = staticmethod(plot_buffer_run)

    def __init__(self, producers: int, consumers: int, capacity: int, produce_rate: int, consume_rate: int) -> None:
        self.producers = int_slider("producers", producers, 1, 8)
        self.consumers = int_slider("consumers", consumers, 1, 8)
        self.capacity = int_slider("buffer capacity (items)", capacity, 1, 20, name="capacity")
        self.produce_rate = _rate_slider("each producer makes (items/s)", produce_rate, "produce_rate")
        self.consume_rate = _rate_slider("each consumer uses (items/s)", consume_rate, "consume_rate")
        super().__init__(
            "Buffer lab: who waits, producers or consumers?",
            f"About {LAB_ITEMS} items, shared out among the producers, go through a bounded buffer built on "
            "threading.Condition. Make one side faster and watch the buffer fill or empty, and the other side wait.",
            [self.producers, self.consumers, self.capacity, self.produce_rate, self.consume_rate],
            threads_control=self.producers,  # no lock switch here: the lock is always on
        )

    def run(self) -> BufferResult:
        producers, consumers, capacity = self.producers.value, self.consumers.value, self.capacity.value
        rates = float(self.produce_rate.value), float(self.consume_rate.value)
        return run_buffer(
            producers, consumers, capacity, *rates, items=math.ceil(LAB_ITEMS / producers), timeout=LAB_TIMEOUT
        )

    def activity(self) -> str:
        producers = self.producers.value
        return (
            f"running {producers} producer(s) at {self.produce_rate.value:,} items/s and "
            f"{self.consumers.value} consumer(s) at {self.consume_rate.value:,} items/s through "
            f"{self.capacity.value} slot(s), {math.ceil(LAB_ITEMS / producers) * producers} items"
        )

    def describe(self, result: BufferResult) -> str:
        side = "#D55E00" if result.producer_wait > result.consumer_wait else "#0072B2"
        delivered = "each delivered once" if result.delivered_once else "NOT each delivered once"
        headline = buffer_headline(result)
        return (
            f"<span style='color:{side}'><b>{headline[0].upper()}{headline[1:]}"
            f"</b></span>. {result.consumed} items, {delivered}, in {fmt_seconds(result.duration)}; "
            f"at most {result.max_length} of {result.capacity} slots used. Python {result.python}"
        )


# The starting rates (items/s per thread): producers four times as fast, so the buffer fills and the
# producers wait on every run. On a loaded 2-core machine, 200 runs on each of CPython 3.10-3.13:
# 800/200 never came out the other way; 400/200 and 800/400 now and then (an OS delay of 20 ms).
def buffer_lab(
    producers: int = 2, consumers: int = 2, capacity: int = 5, produce_rate: int = 800, consume_rate: int = 200
) -> BufferLab:
    """A lab that runs :func:`~synclab.run_buffer` whenever a control changes: the buffer's length over time, who
    waits when, and the time each thread spent waiting. Every run moves about :data:`LAB_ITEMS` items, shared out
    among the producers; the rates are 100 to 2,000 items/s in steps of 50."""
    return BufferLab(producers, consumers, capacity, produce_rate, consume_rate)
