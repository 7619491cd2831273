"""The bank-transfer lab of notebook 06: does the lock order decide whether the bank deadlocks?"""

from __future__ import annotations

import time

import ipywidgets as widgets
from matplotlib.figure import Figure

from synclab._validate import check_choice, check_int
from synclab.experiments.transfers import STRATEGIES, TRANSFER_WINDOWS, TransferRuns, run_transfers
from synclab.plots._style import fmt_seconds
from synclab.plots.deadlock import STRATEGY_LABELS, plot_transfer_runs, transfer_headline
from synclab.widgets._base import Lab

__all__ = ["TransferLab", "transfer_lab"]

MAX_LAB_ACCOUNTS = 16
MAX_LAB_THREADS = 8
MIN_LAB_TRANSFERS, MAX_LAB_TRANSFERS = 5, 100
#: Runs per re-run: enough to show a share, few enough to stay quick.
LAB_RUNS = 10
#: Seconds each run may take in the lab before it is stopped and reported.
LAB_RUN_TIMEOUT = 3.0
#: Seconds all the runs of one re-run may take together.
LAB_BUDGET = 5.0
_WINDOW_LABELS = (("sleep(0)", "yield"), ("nothing", "none"))
_WINDOW_TIPS = (
    "time.sleep(0) between the first lock and the second: a forced switch, so deadlocks show in short runs",
    "nothing between the two locks: deadlocks become rare in short runs (try 100 transfers)",
)


class TransferLab(Lab[TransferRuns]):
    """Accounts, threads, transfers per thread, the locking strategy and the window.

    Attributes:
        accounts: Slider for the number of accounts (2-16).
        threads: Slider for the number of threads (2-8).
        transfers: Slider for the transfers each thread makes.
        strategy: How a transfer takes its locks; "ordered" is the switch to
            one global order.
        window: What sits between taking the first lock and the second.
    """

    def __init__(self, accounts: int, threads: int, transfers: int, strategy: str, window: str) -> None:
        style = {"description_width": "initial"}
        self.accounts = widgets.IntSlider(
            value=accounts, min=2, max=MAX_LAB_ACCOUNTS, description="accounts", continuous_update=False, style=style
        )
        self.threads = widgets.IntSlider(
            value=threads, min=2, max=MAX_LAB_THREADS, description="threads", continuous_update=False, style=style
        )
        self.transfers = widgets.IntSlider(
            value=transfers,
            min=MIN_LAB_TRANSFERS,
            max=MAX_LAB_TRANSFERS,
            step=5,
            description="transfers per thread",
            continuous_update=False,
            style=style,
        )
        self.strategy = widgets.ToggleButtons(
            options=[(STRATEGY_LABELS[s].split(":")[0], s) for s in STRATEGIES],
            value=strategy,
            description="lock order:",
            tooltips=[STRATEGY_LABELS[s] for s in STRATEGIES],
            style={"description_width": "initial", "button_width": "8em"},
        )
        self.window = widgets.ToggleButtons(
            options=_WINDOW_LABELS,
            value=window,
            description="between the two locks:",
            tooltips=list(_WINDOW_TIPS),
            style={"description_width": "initial", "button_width": "6em"},
        )
        super().__init__(
            "Transfer lab: does the lock order decide whether the bank deadlocks?",
            f"Each re-run makes {LAB_RUNS} runs with real threads. Switch the lock order to 'ordered' and the "
            "deadlocks disappear; the money is conserved either way, because a transfer only moves money "
            "while it holds both locks.",
            [self.accounts, self.threads, self.transfers, self.strategy, self.window],
        )
        self.rerun()

    def run(self) -> TransferRuns:
        started = time.perf_counter()
        results = []
        for done in range(1, LAB_RUNS + 1):
            results.append(
                run_transfers(
                    self.accounts.value,
                    self.threads.value,
                    self.transfers.value,
                    self.strategy.value,
                    window=self.window.value,
                    timeout=LAB_RUN_TIMEOUT,
                )
            )
            if done < LAB_RUNS and time.perf_counter() - started > LAB_BUDGET:
                retries = sum(r.retries for r in results)
                why = (
                    f" ({retries:,} timeouts so far: with this much contention most waits time out and the work "
                    "is thrown away)"
                    if retries
                    else ""
                )
                raise TimeoutError(
                    f"only {done} of {LAB_RUNS} runs fitted in {LAB_BUDGET:g} s{why}; "
                    "try more accounts, fewer threads or fewer transfers"
                )
        return TransferRuns(tuple(results))

    def draw(self, result: TransferRuns, fig: Figure | None) -> Figure:
        return plot_transfer_runs(result, fig)

    def describe(self, result: TransferRuns) -> str:
        colour = "#D55E00" if result.deadlocked_runs else "#009E73"
        money = "money conserved in every run" if result.all_conserved else "money NOT conserved"
        return (
            f"<span style='color:{colour}'><b>{transfer_headline(result)}</b></span>; {money}; "
            f"{result.completed:,} of {result.attempted:,} transfers made; "
            f"median run {fmt_seconds(result.median_elapsed)}"
        )


def transfer_lab(
    accounts: int = 4,
    threads: int = 4,
    transfers: int = 25,
    strategy: str = "naive",
    window: str = "yield",
) -> TransferLab:
    """A lab that runs :func:`~synclab.repeat_transfers` whenever a control changes.

    It shows, for 10 runs, how many transfers each run made (deadlocked runs
    in red), the money in the bank after each run, and the wait-for graph of
    the first deadlock.

    Args:
        accounts: Starting number of accounts, 2 to 16.
        threads: Starting number of threads, 2 to 8.
        transfers: Starting transfers per thread, 5 to 100.
        strategy: ``"naive"``, ``"ordered"``, ``"retry"`` or ``"global"``.
        window: ``"yield"`` or ``"none"``.

    Returns:
        The lab; display it (last line of a cell) to use it.

    Raises:
        TypeError: An argument has the wrong type.
        ValueError: An argument is out of range or not one of the choices.
    """
    return TransferLab(
        check_int("accounts", accounts, 2, MAX_LAB_ACCOUNTS),
        check_int("threads", threads, 2, MAX_LAB_THREADS),
        check_int("transfers", transfers, MIN_LAB_TRANSFERS, MAX_LAB_TRANSFERS),
        check_choice("strategy", strategy, STRATEGIES),
        check_choice("window", window, TRANSFER_WINDOWS),
    )
