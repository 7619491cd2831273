"""The labs: the only part of synclab that imports ipywidgets."""

from __future__ import annotations

from synclab.widgets.bank import BankLab, bank_lab
from synclab.widgets.counter import CounterLab, counter_lab
from synclab.widgets.hello import widgets_check
from synclab.widgets.quiz import SelfCheckQuiz, self_check_quiz
from synclab.widgets.transfers import TransferLab, transfer_lab
from synclab.widgets.pool import PoolLab, pool_lab
from synclab.widgets.scheduler import SchedulerLab, scheduler_lab

__all__ = ["CounterLab", "counter_lab", "widgets_check"]
__all__ += ["BankLab", "bank_lab"]
__all__ += ["PoolLab", "pool_lab"]
__all__ += ["SchedulerLab", "scheduler_lab"]
__all__ += ["SelfCheckQuiz", "self_check_quiz", "TransferLab", "transfer_lab"]
