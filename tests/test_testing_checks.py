"""The check of exercise 10.1 beyond its answer table: the offices it builds, and how it holds the buyers."""

from __future__ import annotations

import inspect
import threading
import time

import pytest
from conftest import wait_until

import synclab
from synclab.checks import testing
from synclab.checks._base import Trial, waits_for_others


def offices(style: str, hold: bool = False):
    """A trial, the watch and the office class the check would use for one run."""
    trial = Trial(timeout=2.0, deadlock_after=None)
    watch = testing._Watch(hold)
    watch.trial = trial
    return trial, watch, testing._office_class(trial, style, watch)


def crowd(office, buyers: int = 4, window: float = 0.001) -> list[int]:
    """Four buyers released together against ``office(1 seat)``; the tickets it issued."""
    issued: list[int] = []

    def issue(buyer: int) -> None:
        time.sleep(window)
        issued.append(buyer)

    shop = office(1, issue)
    start = threading.Barrier(buyers, timeout=2)

    def buy(buyer: int) -> None:
        start.wait()
        shop.sell(buyer)

    threads = [threading.Thread(target=buy, args=(b,)) for b in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    return issued


def test_every_office_has_the_same_name_and_source():
    classes = [offices(style)[2] for style in ("racy", "reserve", "through")]
    assert {cls.__name__ for cls in classes} == {"TicketOffice"}
    assert len({inspect.getsource(cls) for cls in classes}) == 1


@pytest.mark.statistical
def test_the_racy_office_oversells_under_a_window_and_the_correct_ones_never_do():
    """The check's racy office must really be racy, or no test could fail against it.

    Statistical for the racy office: four buyers released by one barrier must overlap within the
    1 ms window of at least two of them (seen to hold in every run, even with both cores busy;
    all four overlapping, as on an idle machine, is not required). The correct offices are exact.
    """
    trial, _watch, racy = offices("racy")
    with trial:
        assert len(crowd(racy)) > 1
    for style in ("reserve", "through"):
        trial, watch, correct = offices(style)
        with trial:
            for _ in range(5):
                assert len(crowd(correct)) == 1
        assert watch.sells == 20 and len(watch.callers) == 20


def test_a_held_buyer_waits_until_the_test_thread_joins():
    trial, watch, office = offices("reserve", hold=True)
    issued: list[str] = []
    with trial:
        shop = office(1, issued.append)
        watch.started(threading.current_thread())  # this thread plays the test
        buyer = threading.Thread(target=shop.sell, args=("b",))
        buyer.start()
        wait_until(lambda: watch.sells == 1)
        time.sleep(0.02)
        assert issued == []  # held at the door while the test thread runs (sleeps)
        buyer.join(5)  # the test waits: the buyer goes in
        assert issued == ["b"] and not watch.held_too_long


def test_thread_start_is_not_waiting_for_the_threads():
    thread = threading.Thread(target=time.sleep, args=(0.05,))
    thread.start()
    assert not waits_for_others(threading.current_thread())
    thread.join(5)


def test_not_a_function_is_told_what_to_write():
    result = synclab.check_exercise("10.1", "test_ticket_office")
    assert not result.passed and result.message == "test_ticket_office is not a function."
    assert result.hint == "Define it with def test_ticket_office(make_office):"
