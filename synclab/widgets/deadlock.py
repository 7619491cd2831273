"""The bank-transfer lab of notebook 07: does the lock order decide whether the bank deadlocks?"""

from __future__ import annotations

import ipywidgets as widgets
from matplotlib.figure import Figure

from synclab._validate import check_bool, check_choice, check_int
from synclab.experiments.deadlock import TRANSFER_WINDOWS, TransferRuns, repeat_transfers
from synclab.plots._style import fmt_seconds
from synclab.plots.deadlock import plot_transfer_runs, transfer_headline
from synclab.widgets._base import Lab, finding, int_slider, switch, toggle_buttons

__all__ = ["TransferLab", "transfer_lab"]


MAX_LAB_ACCOUNTS = 16
MAX_LAB_THREADS = 8
MIN_LAB_TRANSFERS, MAX_LAB_TRANSFERS = 5, 100
#: Runs per re-run: enough to show a share, few enough to stay quick. With both cores
#: busy, ten runs took a median of 322-345 ms a re-run at the sleep window (target 300 ms),
#: six 208-236 ms (benchmarks/bench_labs.py).
LAB_RUNS = 6
#: Seconds each run may take in the lab before it is stopped and reported.
LAB_RUN_TIMEOUT = 3.0
#: Seconds all the runs of one re-run may take together.
LAB_BUDGET = 5.0
_WINDOW_LABELS = (("sleep", "sleep"), ("nothing", "none"))
_WINDOW_TIPS = (
    "time.sleep(1e-6) between the first lock and the second: a forced switch, so deadlocks show in short runs",
    "nothing between the two locks: runs this short end within one switch interval (5 ms by default), "
    "so deadlocks probably vanish: luck, not safety",
)


class TransferLab(Lab[TransferRuns]):
    """Accounts, threads, transfers per thread, the ordering switch and what sits between the two locks."""

    def __init__(self, accounts: int, threads: int, transfers: int, ordered: bool, window: str) -> None:
        self.accounts = int_slider("accounts", accounts, 2, MAX_LAB_ACCOUNTS)
        self.threads = int_slider("threads", threads, 2, MAX_LAB_THREADS)
        self.transfers = int_slider("transfers per thread", transfers, MIN_LAB_TRANSFERS, MAX_LAB_TRANSFERS, step=5)
        # Short labels: the tooltip says what each setting does.
        self.ordered = switch(
            ordered,
            {"description": "ordering on", "icon": "sort-numeric-asc", "button_style": "success"},
            {"description": "ordering off", "icon": "random", "button_style": ""},
            tooltip="Off: lock the source account first (the naive order). "
            "On: lock the lower-numbered account first (one global order).",
            layout=widgets.Layout(width="10em"),
        )
        self.window = toggle_buttons("between the two locks:", _WINDOW_LABELS, window, _WINDOW_TIPS, button_width="6em")
        super().__init__(
            "Transfer lab: does the lock order decide whether the bank deadlocks?",
            f"Each re-run makes {LAB_RUNS} runs with real threads. Switch ordering on and the deadlocks "
            "disappear; the money is conserved either way, because a transfer only moves money while it "
            "holds both accounts' locks.",
            [self.accounts, self.threads, self.transfers, self.ordered, self.window],
            threads_control=self.threads,
            lock_control=self.ordered,
        )
        self.rerun()

    def activity(self) -> str:
        order = "ordered locking" if self.ordered.value else "naive lock order"
        return (
            f"running {LAB_RUNS} runs of {self.threads.value} threads x {self.transfers.value} transfers "
            f"between {self.accounts.value} accounts, {order}"
        )

    def run(self) -> TransferRuns:
        return repeat_transfers(
            LAB_RUNS,
            self.accounts.value,
            self.threads.value,
            self.transfers.value,
            "ordered" if self.ordered.value else "naive",
            window=self.window.value,
            timeout=LAB_RUN_TIMEOUT,
            budget=LAB_BUDGET,
        )

    def draw(self, result: TransferRuns, fig: Figure | None) -> Figure:
        return plot_transfer_runs(result, fig)

    def describe(self, result: TransferRuns) -> str:
        money = "money conserved in every run" if result.all_conserved else "money NOT conserved"
        return (
            f"{finding(transfer_headline(result), not result.deadlocked_runs)}; {money}; "
            f"{result.completed:,} of {result.attempted:,} transfers made; "
            f"median run {fmt_seconds(result.median_elapsed)}"
        )


def transfer_lab(
    accounts: int = 4, threads: int = 4, transfers: int = 10, ordered: bool = False, window: str = "sleep"
) -> TransferLab:
    """A lab that runs the bank transfers :data:`LAB_RUNS` times whenever a control changes.

    It shows, for each run, the share of its transfers made before it ended (deadlocked runs in red), the
    money in the bank after each run, and the resource-allocation graph of the first deadlock. The switch
    turns ordered locking on and off. The default of 10 transfers: with ordering on, ten runs of 4 threads
    x 20 transfers took 119 ms, of 4 x 10 56 ms, and the naive order still deadlocked in 10 of 10 runs
    (idle 2-core machine).
    """
    return TransferLab(
        check_int("accounts", accounts, 2, MAX_LAB_ACCOUNTS),
        check_int("threads", threads, 2, MAX_LAB_THREADS),
        check_int("transfers", transfers, MIN_LAB_TRANSFERS, MAX_LAB_TRANSFERS),
        check_bool("ordered", ordered),
        check_choice("window", window, TRANSFER_WINDOWS),
    )
