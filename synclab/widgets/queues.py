"""The pipeline lab of notebook 06: stages, workers, and a Queue or a plain list between them."""

from __future__ import annotations

from synclab._validate import check_choice
from synclab.experiments.queues import CHANNELS, MAX_STAGES, MAX_WORKERS, PipelineResult, run_pipeline
from synclab.plots._style import fmt_seconds
from synclab.plots.queues import pipeline_headline, plot_pipeline
from synclab.widgets._base import Lab, finding, int_slider, toggle_buttons

#: Items per run, each queue's maxsize and the seconds each worker spends on an item in each stage. At the defaults
#: (2 stages of 3 workers) a run takes about 30 ms; with lists, items are lost or delivered twice on every run
#: (measured: 20 of 20 runs on each of CPython 3.10-3.13, see benchmarks/bench_queues.py).
LAB_ITEMS = 40
LAB_CAPACITY = 4
LAB_WORK = 0.002
_CHANNEL_TIPS = (
    "queue.Queue(maxsize=4) between the stages: get() waits for an item, put() waits for room",
    "a plain list, guarded by nothing: look at the first item, work on it, then delete it",
)


class PipelineLab(Lab[PipelineResult]):
    """Stages, workers per stage, and what hands the items on (``Queue`` or ``list``)."""

    draw = staticmethod(plot_pipeline)

    def __init__(self, stages: int, workers: int, channel: str) -> None:
        self.stages = int_slider("stages", stages, 1, MAX_STAGES)
        self.workers = int_slider("workers per stage", workers, 1, MAX_WORKERS, name="workers")
        channel = check_choice("channel", channel, CHANNELS)
        self.channel = toggle_buttons("between the stages:", list(CHANNELS), channel, _CHANNEL_TIPS, button_width="6em")
        super().__init__(
            "Pipeline lab: hand items on with a Queue, or with a list",
            f"{LAB_ITEMS} numbered items go through every stage; each worker spends "
            f"{fmt_seconds(LAB_WORK)} on an item (waiting, as for I/O). Add stages or workers, then switch to a "
            "plain list and count what comes out.",
            [self.stages, self.workers, self.channel],
            threads_control=self.workers,
            lock_control=self.channel,
            first_row=2,
        )

    def run(self) -> PipelineResult:
        return run_pipeline(
            self.stages.value, self.workers.value, LAB_ITEMS, LAB_CAPACITY, LAB_WORK, self.channel.value, timeout=30.0
        )

    def describe(self, result: PipelineResult) -> str:
        return (
            f"{finding(pipeline_headline(result), result.delivered_once)}. "
            f"{result.stages} × {result.workers} worker threads, {fmt_seconds(result.duration)}; "
            f"Python {result.python}"
        )


def pipeline_lab(stages: int = 2, workers: int = 3, channel: str = "Queue") -> PipelineLab:
    """A lab that runs :func:`~synclab.run_pipeline` whenever a control changes: how many items wait in each stage's
    inbox over time, the throughput out of the last stage, and how many items came out once, twice or not at all."""
    return PipelineLab(stages, workers, channel)
