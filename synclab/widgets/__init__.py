"""The labs: the only part of synclab that imports ipywidgets."""

from __future__ import annotations

from synclab.widgets.bank import bank_lab as bank_lab
from synclab.widgets.conditions import buffer_lab as buffer_lab
from synclab.widgets.counter import counter_lab as counter_lab
from synclab.widgets.deadlock import transfer_lab as transfer_lab
from synclab.widgets.faq import self_check_quiz as self_check_quiz
from synclab.widgets.hello import widgets_check as widgets_check
from synclab.widgets.primitives import pool_lab as pool_lab
from synclab.widgets.queues import pipeline_lab as pipeline_lab
from synclab.widgets.reentrant import reentrant_lab as reentrant_lab
from synclab.widgets.scheduler import scheduler_lab as scheduler_lab
from synclab.widgets.testing import catch_rate_lab as catch_rate_lab
