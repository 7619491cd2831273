"""InstrumentedLock under threading.Condition: wait() releases it fully and measures right."""

from __future__ import annotations

import threading

import pytest

from synclab import InstrumentedLock


def start(target, name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("inner", [threading.Lock, threading.RLock], ids=["Lock", "RLock"])
def test_wait_releases_the_lock_and_takes_it_back(inner):
    lock = InstrumentedLock(inner(), name="cond lock")
    cond = threading.Condition(lock)
    entering = threading.Event()
    arrived = [False]
    inside: list[bool] = []

    def waiter() -> None:
        with cond:
            entering.set()
            ok = cond.wait_for(lambda: arrived[0], timeout=10)
            inside.append(ok and lock._is_owned())

    thread = start(waiter, "waiter")
    assert entering.wait(10)
    # The waiter holds the lock from entering.set() until wait() gives it up.
    assert lock.acquire(timeout=10) is True
    assert thread.is_alive()
    arrived[0] = True
    cond.notify()
    lock.release()
    thread.join(10)
    assert not thread.is_alive()
    assert inside == [True]
    stats = lock.statistics()
    assert [e.thread for e in stats.events] == ["waiter", "MainThread", "waiter"]
    assert stats.failed == 0  # the old fallback recorded a failed probe at each wait() and notify()
    assert not stats.locked


def test_wait_on_a_nested_rlock_releases_every_level_and_restores_them():
    lock = InstrumentedLock(threading.RLock())
    cond = threading.Condition(lock)
    entering = threading.Event()
    go = [False]
    after: list[str] = []

    def waiter() -> None:
        with cond, cond:  # held twice
            entering.set()
            cond.wait_for(lambda: go[0], timeout=10)
        after.append("left both")

    thread = start(waiter, "waiter")
    assert entering.wait(10)
    assert lock.acquire(timeout=10) is True  # only possible if both levels were released
    go[0] = True
    cond.notify()
    lock.release()
    thread.join(10)
    assert after == ["left both"]
    assert not lock.locked()
    with pytest.raises(RuntimeError):
        lock.release()  # both levels were restored and then released by the waiter: nothing left


@pytest.mark.parametrize("inner", [threading.Lock, threading.RLock], ids=["Lock", "RLock"])
def test_wait_and_notify_need_the_lock(inner):
    cond = threading.Condition(InstrumentedLock(inner()))
    with pytest.raises(RuntimeError):
        cond.wait(0.01)
    with pytest.raises(RuntimeError):
        cond.notify()


def test_notify_from_a_thread_that_does_not_hold_it_raises():
    lock = InstrumentedLock()
    cond = threading.Condition(lock)
    errors: list[BaseException] = []

    def other() -> None:
        try:
            cond.notify()
        except RuntimeError as exc:
            errors.append(exc)

    with cond:  # the main thread holds it; the fallback probe would say "owned" to anyone
        thread = start(other, "other")
        thread.join(10)
    assert len(errors) == 1


def test_a_timed_out_wait_counts_one_hold_before_and_one_after():
    lock = InstrumentedLock()
    cond = threading.Condition(lock)
    with cond:
        assert cond.wait(0.001) is False
        assert lock._is_owned()
    stats = lock.statistics()
    assert stats.acquisitions == 2 and stats.failed == 0
