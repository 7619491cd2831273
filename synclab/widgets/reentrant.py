"""The ledger lab of notebook 04: a Lock re-entered, an RLock, or a Lock with an unlocked helper."""

from __future__ import annotations

from synclab._validate import check_choice
from synclab.experiments.reentrant import LEDGER_DESIGNS, SELF_DEADLOCK_TIMEOUT, LedgerResult, run_ledger
from synclab.plots._style import fmt_seconds
from synclab.plots.reentrant import ledger_headline, plot_ledger
from synclab.widgets._base import LAB_TIMEOUT, Lab, finding, int_slider, toggle_buttons

#: Batches per thread in every run of the lab.
LAB_BATCHES = 10
_BUTTON_LABELS = {"Lock": "Lock, re-entered", "RLock": "RLock", "helper": "Lock + helper"}
_DESIGN_TIPS = (
    f"record_many holds a plain Lock and calls record, which asks for it again: the thread waits for itself "
    f"(here it gives up after {fmt_seconds(SELF_DEADLOCK_TIMEOUT)}; a nested `with lock:` would wait forever)",
    "the same code on an RLock: the nested acquire raises its count instead of blocking",
    "a plain Lock taken once by record_many, which calls an unlocked private helper for each entry",
)


class ReentrantLab(Lab[LedgerResult]):
    """Threads, entries per batch, and how the ledger's methods share its lock."""

    draw = staticmethod(plot_ledger)

    def __init__(self, threads: int, batch_size: int, design: str) -> None:
        self.threads = int_slider("threads", threads, 1, 16)
        self.batch_size = int_slider("entries per batch", batch_size, 1, 8, name="batch_size")
        design = check_choice("design", design, LEDGER_DESIGNS)
        options = [(_BUTTON_LABELS[d], d) for d in LEDGER_DESIGNS]
        self.design = toggle_buttons("record_many uses:", options, design, _DESIGN_TIPS, button_width="12em")
        super().__init__(
            "Ledger lab: what happens when a method that holds the lock calls another that wants it?",
            f"Each thread records {LAB_BATCHES} batches with <code>record_many</code>, which holds the ledger's "
            "lock for the whole batch and writes each entry through <code>record</code>. Pick the design: "
            "the re-entered <code>Lock</code> waits for itself, the <code>RLock</code> counts, the helper "
            "takes the lock once. Real threads run again on every change.",
            [self.threads, self.batch_size, self.design],
            threads_control=self.threads,
            lock_control=self.design,
            first_row=2,  # the three design buttons get the second row to themselves
        )

    def run(self) -> LedgerResult:
        return run_ledger(
            self.threads.value, LAB_BATCHES, self.batch_size.value, self.design.value, timeout=LAB_TIMEOUT
        )

    def activity(self) -> str:
        return (
            f"running {self.threads.value} threads x {LAB_BATCHES} batches of {self.batch_size.value} entries, "
            f"record_many on {_BUTTON_LABELS[self.design.value]}"
        )

    def describe(self, result: LedgerResult) -> str:
        return (
            f"{finding(ledger_headline(result), result.exact)}. "
            f"{result.lock.acquisitions:,} holds of the lock, longest {fmt_seconds(result.lock.max_hold)}; "
            f"{fmt_seconds(result.elapsed)} in all, Python {result.python}."
        )


def reentrant_lab(threads: int = 4, batch_size: int = 4, design: str = "RLock") -> ReentrantLab:
    """A lab that runs :func:`~synclab.run_ledger` whenever a control changes: the entries each thread
    recorded, how long each batch held the lock, and a timeline of who held it when."""
    return ReentrantLab(threads, batch_size, design)
