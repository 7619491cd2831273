"""Guarded pieces checks use on objects the learner's code built: adopt(), semaphore logs and holds, lock holders.

Part of ``synclab/checks/_guards.py`` (see also ``tests/test_check_guards.py``).
Each test would fail if the piece did nothing: an adopted lock that stayed a
``threading`` lock would not be cancellable, a hook never called would leave
the other thread waiting.
"""

from __future__ import annotations

import threading

import pytest
from conftest import wait_until

from synclab.checks._base import Trial
from synclab.checks._guards import (
    CancelScope,
    CheckCancelled,
    GuardedBoundedSemaphore,
    GuardedCondition,
    GuardedEvent,
    GuardedLock,
    GuardedRLock,
    GuardedSemaphore,
    adopt,
)


class Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rlock = threading.RLock()
        self.permits = threading.BoundedSemaphore(3)
        self.slots = threading.Semaphore(2)
        self.ready = threading.Event()
        self.changed = threading.Condition(self.lock)
        self.own = threading.Condition()
        self.free = ["a", "b"]
        self.busy = threading.Lock()
        self.busy.acquire()


def test_adopt_swaps_every_free_primitive_for_a_guarded_one_in_the_same_state():
    pool = Pool()
    pool.permits.acquire()
    pool.ready.set()
    swapped = adopt(CancelScope(), pool)
    assert set(swapped) == {"lock", "rlock", "permits", "slots", "ready", "changed", "own"}
    assert isinstance(pool.lock, GuardedLock) and isinstance(pool.rlock, GuardedRLock)
    assert isinstance(pool.permits, GuardedBoundedSemaphore) and pool.permits._value == 2
    assert type(pool.slots) is GuardedSemaphore and pool.slots._value == 2
    assert isinstance(pool.ready, GuardedEvent) and pool.ready.is_set()
    assert isinstance(pool.changed, GuardedCondition) and pool.changed._lock is pool.lock  # shares the swapped lock
    assert isinstance(pool.own, GuardedCondition)
    assert pool.free == ["a", "b"] and type(pool.busy).__module__ == "_thread"  # a held lock is left alone
    pool.permits.release()
    with pytest.raises(ValueError):  # still bounded at 3
        pool.permits.release()


def test_adopted_waits_are_called_off_with_their_trial():
    pool = Pool()
    outcome: list[BaseException] = []
    with Trial(deadlock_after=None, timeout=0.2) as trial:
        trial.adopt(pool)
        pool.lock.acquire()

        def wait_for_the_lock() -> None:
            try:
                pool.lock.acquire()
            except BaseException as exc:
                outcome.append(exc)
                raise

        trial.start("T1", wait_for_the_lock)
        trial.wait()
    assert trial.gave_up == "deadline" and isinstance(outcome[0], CheckCancelled)
    assert pool.lock in trial.locks


def test_adopt_leaves_objects_without_a_dict_alone():
    assert adopt(CancelScope(), threading.Lock()) == {}


def test_semaphore_logs_who_did_what_and_runs_its_hook_outside_its_lock():
    semaphore = GuardedBoundedSemaphore(value=1, name="self.permits")
    seen: list[bool] = []

    def hook() -> None:  # another thread can take the permit while the releaser is held here
        taker = threading.Thread(target=lambda: seen.append(semaphore.acquire(timeout=5)), name="taker")
        taker.start()
        taker.join(5)

    assert semaphore.acquire(blocking=False)
    semaphore.after_release = hook
    semaphore.release()
    semaphore.after_release = None
    assert seen == [True]
    assert not semaphore.acquire(blocking=False)
    semaphore.release()
    with pytest.raises(ValueError):
        semaphore.release()
    me = threading.current_thread().name
    assert semaphore.log == [
        ("acquired", me),
        ("released", me),
        ("acquired", "taker"),
        ("gave up", me),
        ("released", me),
        ("refused", me),
    ]


def test_a_lock_left_held_by_an_ended_thread_is_not_held_by_a_thread_with_its_ident():
    lock = GuardedLock(name="the lock")
    holder = threading.Thread(target=lock.acquire)
    holder.start()
    holder.join(5)
    lock.owner = threading.get_ident()  # as if this thread had been given the ended thread's ident
    assert not lock.held_by_me() and lock.hold_token() is None
    assert lock.acquire(timeout=0.01) is False  # it waits like threading.Lock, no SelfDeadlock
    lock.release()  # any thread may release it, as with threading.Lock
    wait_until(lambda: not lock.locked())


def test_a_thread_whose_lock_was_just_let_go_is_not_counted_as_blocked():
    # On a loaded machine a woken thread may not run for a while: until then it is still
    # inside its wait, but what it waits for is free, so it is not part of a deadlock.
    scope = CancelScope()
    raw = threading.Lock()
    raw.acquire()
    waiter = threading.Thread(target=lambda: scope.acquire_raw(raw, True, None, "waiting for the lock"))
    waiter.start()
    wait_until(lambda: scope.blocked())
    assert scope.blocked()[waiter.ident] == ("waiting for the lock", False)
    free = threading.Lock()  # as if its lock had just been released
    scope._blocked[waiter.ident] = ("waiting for the lock", False, free)
    assert scope.blocked() == {}
    scope._blocked[waiter.ident] = ("waiting for the lock", False, raw)
    free.acquire()
    raw.release()
    waiter.join(5)
    assert not waiter.is_alive() and scope.blocked() == {}
