"""The bank-transfer lab of notebook 07: does the lock order decide whether the bank deadlocks?"""

from __future__ import annotations

from synclab._validate import check_bool, check_choice
from synclab.experiments.deadlock import TRANSFER_WINDOWS, TransferRuns, repeat_transfers
from synclab.plots._style import fmt_seconds
from synclab.plots.deadlock import plot_transfer_runs, transfer_headline
from synclab.widgets._base import Lab, finding, int_slider, switch, toggle_buttons

#: Runs per re-run: enough to show a share, few enough to stay quick. With both cores busy, ten runs took a median
#: of 322-345 ms a re-run at the sleep window (target 300 ms), six 208-236 ms (benchmarks/bench_labs.py).
LAB_RUNS = 6
#: Seconds all the runs of one re-run may take together (one run may take 3 s before it is stopped and reported).
LAB_BUDGET = 5.0
_WINDOW_TIPS = (
    "time.sleep(1e-6) between the first lock and the second: a forced switch, so deadlocks show in short runs",
    "nothing between the two locks: runs this short end within one switch interval (5 ms by default), "
    "so deadlocks probably vanish: luck, not safety",
)


class TransferLab(Lab[TransferRuns]):
    """Accounts, threads, transfers per thread, the ordering switch and what sits between the two locks."""

    draw = staticmethod(plot_transfer_runs)

    def __init__(self, accounts: int, threads: int, transfers: int, ordered: bool, window: str) -> None:
        self.accounts = int_slider("accounts", accounts, 2, 16)
        self.threads = int_slider("threads", threads, 2, 8)
        self.transfers = int_slider("transfers per thread", transfers, 5, 100, step=5, name="transfers")
        # Short labels: the tooltip says what each setting does.
        self.ordered = switch(
            check_bool("ordered", ordered),
            {"description": "ordering on", "icon": "sort-numeric-asc", "button_style": "success"},
            {"description": "ordering off", "icon": "random", "button_style": ""},
            tooltip="Off: lock the source account first (the naive order). "
            "On: lock the lower-numbered account first (one global order).",
            layout={"width": "10em"},
        )
        windows = (("sleep", "sleep"), ("nothing", "none"))
        window = check_choice("window", window, TRANSFER_WINDOWS)
        self.window = toggle_buttons("between the two locks:", windows, window, _WINDOW_TIPS, button_width="6em")
        super().__init__(
            "Transfer lab: does the lock order decide whether the bank deadlocks?",
            f"Each re-run makes {LAB_RUNS} runs with real threads. Switch ordering on and the deadlocks "
            "disappear; the money is conserved either way, because a transfer only moves money while it "
            "holds both accounts' locks.",
            [self.accounts, self.threads, self.transfers, self.ordered, self.window],
            threads_control=self.threads,
            lock_control=self.ordered,
        )

    def activity(self) -> str:
        order = "ordered locking" if self.ordered.value else "naive lock order"
        return (
            f"running {LAB_RUNS} runs of {self.threads.value} threads x {self.transfers.value} transfers "
            f"between {self.accounts.value} accounts, {order}"
        )

    def run(self) -> TransferRuns:
        settings = (self.accounts.value, self.threads.value, self.transfers.value)
        strategy = "ordered" if self.ordered.value else "naive"
        return repeat_transfers(LAB_RUNS, *settings, strategy, window=self.window.value, timeout=3.0, budget=LAB_BUDGET)

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
    """A lab that runs the bank transfers :data:`LAB_RUNS` times whenever a control changes: per run, the share of
    its transfers made (deadlocked runs in red) and the money after it; the first deadlock's graph. Default of 10
    transfers: with ordering on, ten runs of 4 threads x 20 transfers took 119 ms, of 4 x 10 56 ms, and the naive
    order still deadlocked in 10 of 10 runs (idle 2-core machine)."""
    return TransferLab(accounts, threads, transfers, ordered, window)
