"""The labs: the only part of synclab that imports ipywidgets."""

from __future__ import annotations

from synclab.widgets.bank import BankLab, bank_lab
from synclab.widgets.conditions import BufferLab, buffer_lab
from synclab.widgets.counter import CounterLab, counter_lab
from synclab.widgets.deadlock import TransferLab, transfer_lab
from synclab.widgets.faq import SelfCheckQuiz, self_check_quiz
from synclab.widgets.hello import widgets_check
from synclab.widgets.primitives import PoolLab, pool_lab
from synclab.widgets.queues import PipelineLab, pipeline_lab
from synclab.widgets.reentrant import ReentrantLab, reentrant_lab
from synclab.widgets.scheduler import SchedulerLab, scheduler_lab
from synclab.widgets.testing import CatchRateLab, catch_rate_lab

__all__ = [
    "BankLab",
    "BufferLab",
    "CatchRateLab",
    "CounterLab",
    "PipelineLab",
    "PoolLab",
    "ReentrantLab",
    "SchedulerLab",
    "SelfCheckQuiz",
    "TransferLab",
    "bank_lab",
    "buffer_lab",
    "catch_rate_lab",
    "counter_lab",
    "pipeline_lab",
    "pool_lab",
    "reentrant_lab",
    "scheduler_lab",
    "self_check_quiz",
    "transfer_lab",
    "widgets_check",
]
