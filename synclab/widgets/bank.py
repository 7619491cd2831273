"""The bank lab of notebook 03: how long should a lock be held?"""

from __future__ import annotations

from synclab._validate import check_choice, check_int
from synclab.experiments.bank import BankResult, run_bank
from synclab.plots._style import fmt_seconds
from synclab.plots.bank import STYLE_LABELS, bank_headline, plot_bank
from synclab.widgets._base import LAB_TIMEOUT, Lab, float_slider, int_slider, switch

_STYLE_TIPS = (
    "account.verify(amount) first, then `with lock:` around the check and the subtraction only",
    "`with lock:` around account.verify(amount), the check and the subtraction",
)


class BankLab(Lab[BankResult]):
    """Threads, slow work per withdrawal, and a switch: the slow work inside the lock (``"long"``) or not."""

    draw = staticmethod(plot_bank)

    def __init__(self, threads: int, work_ms: float, style: str, withdrawals: int) -> None:
        self.threads = int_slider("threads", threads, 1, 16)
        self.work = float_slider("slow work (ms)", work_ms, 0.0, 5.0, 0.25, name="work_ms", unit="ms")
        inside = check_choice("style", style, ("short", "long")) == "long"
        self.withdrawals = check_int("withdrawals", withdrawals, 1, 100)
        self.work_inside = switch(
            inside,
            {"description": STYLE_LABELS["long"], "icon": "lock", "tooltip": _STYLE_TIPS[1]},
            {"description": STYLE_LABELS["short"], "icon": "unlock", "tooltip": _STYLE_TIPS[0]},
            layout={"width": "17em"},
        )
        super().__init__(
            "Bank lab: how long should a lock be held?",
            f"Each thread makes {self.withdrawals} withdrawals from one account; each withdrawal first does "
            "slow work (a sleep standing for a call to a fraud-check service). Move a slider or click "
            "the switch to move the slow work in or out of the lock: real threads run again and the "
            "plots are redrawn.",
            [self.threads, self.work, self.work_inside],
            threads_control=self.threads,
            lock_control=self.work_inside,
        )

    @property
    def style(self) -> str:
        """``"long"`` (work inside the lock) or ``"short"``."""
        return "long" if self.work_inside.value else "short"

    def run(self) -> BankResult:
        return run_bank(
            self.threads.value, self.withdrawals, self.style, round(self.work.value, 6) / 1e3, timeout=LAB_TIMEOUT
        )

    def activity(self) -> str:
        where = "inside" if self.work_inside.value else "outside"
        return (
            f"running {self.threads.value} threads x {self.withdrawals} withdrawals, "
            f"{self.work.value:g} ms of slow work each, {where} the lock"
        )

    def describe(self, result: BankResult) -> str:
        return (
            f"<b>{bank_headline(result)}</b>; mean hold {fmt_seconds(result.lock.mean_hold)}, "
            f"mean wait {fmt_seconds(result.lock.mean_wait)} per withdrawal, "
            f"{fmt_seconds(result.elapsed)} in all, Python {result.python}"
        )


def bank_lab(threads: int = 4, work_ms: float = 1.0, style: str = "long", withdrawals: int = 10) -> BankLab:
    """A lab that runs :func:`~synclab.run_bank` whenever a control changes: the throughput, the contention
    per thread, the hold-duration histogram and a timeline of who holds the account's lock.

    ``work_ms``: 0 to 5 ms of slow work per withdrawal; ``style``: ``"short"`` (outside the lock) or
    ``"long"``; ``withdrawals`` per thread in every run, 1 to 100.
    """
    return BankLab(threads, work_ms, style, withdrawals)
