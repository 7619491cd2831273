"""The guarded objects checks hand to the learner's code: threading's behaviour, and no hang.

Each test that claims "like threading" compares with the real primitive where
the behaviour is observable, and each cancellation test would hang (and be
failed by the no-leaked-threads fixture) if the object ignored its scope.
"""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from conftest import wait_until

from synclab.checks._guards import (
    CancelScope,
    CheckCancelled,
    GuardedBarrier,
    GuardedBoundedSemaphore,
    GuardedCondition,
    GuardedEvent,
    GuardedLock,
    GuardedRLock,
    GuardedSemaphore,
    Observed,
    RecordedCounter,
    Rendezvous,
    SelfDeadlock,
    Watched,
    observed_subclass,
)


def blocked_outcome(scope: CancelScope, call) -> list[object]:
    """Run ``call`` in a thread until it blocks, cancel ``scope``, and return what the thread got."""
    outcome: list[object] = []

    def body() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # the point of the test
            outcome.append(exc)

    thread = threading.Thread(target=body)
    thread.start()
    wait_until(lambda: scope.blocked() or outcome)
    assert not outcome, f"the call did not block: {outcome}"
    scope.cancel()
    thread.join(5)
    assert not thread.is_alive()
    return outcome


# -- GuardedLock --------------------------------------------------------------------------


def test_lock_acquires_releases_and_knows_its_owner():
    lock = GuardedLock(name="the lock")
    assert lock.acquire() is True
    assert lock.locked() and lock.held_by_me() and lock.owner == threading.get_ident()
    assert lock.hold_token() == 1
    assert lock.acquire(blocking=False) is False
    lock.release()
    assert not lock.locked() and lock.owner is None
    with lock:
        assert lock.holds == 2
    assert (lock.holds, lock.failed) == (2, 1)


@pytest.mark.parametrize(("blocking", "timeout"), [(False, 1.0), (True, -2)])
def test_lock_rejects_what_threading_lock_rejects(blocking, timeout):
    with pytest.raises(ValueError) as real:
        threading.Lock().acquire(blocking, timeout)
    with pytest.raises(ValueError) as guarded:
        GuardedLock().acquire(blocking, timeout)
    assert str(guarded.value) == str(real.value)


def test_lock_release_when_unlocked_raises_like_threading_lock():
    with pytest.raises(RuntimeError, match="release unlocked lock"):
        threading.Lock().release()
    with pytest.raises(RuntimeError, match="release unlocked lock"):
        GuardedLock().release()


def test_lock_may_be_released_by_another_thread():
    lock = GuardedLock()
    lock.acquire()
    thread = threading.Thread(target=lock.release)
    thread.start()
    thread.join(5)
    assert not lock.locked()


def test_lock_timeout_gives_up_like_threading_lock():
    lock = GuardedLock()
    got: list[bool] = []
    lock.acquire()
    thread = threading.Thread(target=lambda: got.append(lock.acquire(timeout=0.05)))
    thread.start()
    thread.join(5)
    lock.release()
    assert got == [False] and lock.failed == 1


def test_lock_reentry_without_timeout_raises_instead_of_hanging():
    lock = GuardedLock()
    lock.acquire()
    with pytest.raises(SelfDeadlock):
        lock.acquire()
    assert lock.reentered
    assert lock.acquire(timeout=0.01) is False  # with a timeout, a real Lock just gives up
    lock.release()


def test_a_blocked_acquire_raises_when_its_scope_is_cancelled():
    scope = CancelScope()
    lock = GuardedLock(scope)
    lock.acquire()
    (outcome,) = blocked_outcome(scope, lock.acquire)
    assert isinstance(outcome, CheckCancelled)


def test_after_cancel_every_call_raises_so_a_spinner_stops():
    scope = CancelScope()
    lock = GuardedLock(scope)
    scope.cancel()
    for call in (lock.locked, lambda: lock.acquire(False), lock.acquire):
        with pytest.raises(CheckCancelled):
            call()


@pytest.mark.parametrize(("timeout", "timed"), [(-1, False), (30, True)])
def test_the_scope_knows_who_is_blocked_and_whether_with_a_timeout(timeout, timed):
    scope = CancelScope()
    lock = GuardedLock(scope, "the lock")
    lock.acquire()
    seen: list[dict] = []

    def acquire() -> bool:
        seen.append({})
        return lock.acquire(timeout=timeout)

    def look() -> bool:
        seen[0].update(scope.blocked())
        return bool(seen[0])

    thread = threading.Thread(target=lambda: blocked_quietly(acquire))
    thread.start()
    wait_until(lambda: seen and look())
    scope.cancel()
    thread.join(5)
    assert list(seen[0].values()) == [("waiting for the lock", timed)]


def blocked_quietly(call) -> None:
    with contextlib.suppress(CheckCancelled):
        call()


def test_a_thread_whose_lock_was_just_released_is_not_counted_as_blocked():
    """Between a release and the moment the OS runs the waiter, the waiter is on its way, not deadlocked."""
    scope = CancelScope()
    lock = GuardedLock(scope)
    raw = lock._lock
    raw.acquire()
    scope._blocked[1] = ("waiting for the lock", False, raw)
    assert scope.blocked() == {1: ("waiting for the lock", False)} and lock.waiting() == {1: False}
    raw.release()
    assert scope.blocked() == {} and lock.waiting() == {}


def test_lock_knows_who_waits_for_it_and_whether_with_a_timeout():
    scope = CancelScope()
    lock = GuardedLock(scope, "the lock")
    lock.acquire()
    untimed = threading.Thread(target=blocked_quietly, args=(lock.acquire,))
    timed = threading.Thread(target=blocked_quietly, args=(lambda: lock.acquire(timeout=30),))
    for thread in (untimed, timed):
        thread.start()
    wait_until(lambda: len(lock.waiting()) == 2)
    assert lock.waiting() == {untimed.ident: False, timed.ident: True}
    scope.cancel()
    for thread in (untimed, timed):
        thread.join(5)


def test_lock_after_release_runs_in_the_releasing_thread_after_the_release():
    lock = GuardedLock()
    seen: list[tuple[int, bool]] = []
    lock.after_release = lambda: seen.append((threading.get_ident(), lock.locked()))
    with lock:
        pass
    assert seen == [(threading.get_ident(), False)]


# -- RLock and Condition ---------------------------------------------------------------------


def test_rlock_reenters_and_only_its_owner_releases():
    lock = GuardedRLock()
    with lock, lock:
        assert lock.depth == 2
        errors: list[BaseException] = []

        def foreign_release() -> None:
            try:
                lock.release()
            except RuntimeError as exc:
                errors.append(exc)

        thread = threading.Thread(target=foreign_release)
        thread.start()
        thread.join(5)
        assert errors and "un-acquired" in str(errors[0])
    assert not lock.locked()


@pytest.mark.parametrize("make_lock", [GuardedLock, GuardedRLock], ids=["Lock", "RLock"])
def test_condition_notify_wakes_the_longest_waiter_first(make_lock):
    scope = CancelScope()
    cond = GuardedCondition(scope, make_lock(scope))
    woken: list[str] = []

    def waiter(name: str) -> None:
        with cond:
            cond.wait()
            woken.append(name)

    first = threading.Thread(target=waiter, args=("first",))
    first.start()
    wait_until(lambda: len(cond._waiters) == 1)
    second = threading.Thread(target=waiter, args=("second",))
    second.start()
    wait_until(lambda: len(cond._waiters) == 2)
    with cond:
        cond.notify()
    wait_until(lambda: woken == ["first"])
    with cond:
        cond.notify_all()
    for thread in (first, second):
        thread.join(5)
    assert woken == ["first", "second"]


def test_condition_wait_times_out_and_needs_the_lock():
    cond = GuardedCondition()
    with pytest.raises(RuntimeError, match="un-acquired"):
        cond.wait(0.01)
    with cond:
        assert cond.wait(0.01) is False
        assert cond.wait_for(lambda: False, 0.01) is False


def test_a_condition_wait_raises_when_its_scope_is_cancelled():
    scope = CancelScope()
    cond = GuardedCondition(scope)

    def wait() -> None:
        with cond:
            cond.wait()

    (outcome,) = blocked_outcome(scope, wait)
    assert isinstance(outcome, CheckCancelled)


def start_waiter(cond: GuardedCondition, name: str, timeout: float | None = None) -> threading.Thread:
    """A thread called ``name`` that waits once on ``cond``; it is waiting when this returns."""
    entries = cond.entered.count(name)

    def wait() -> None:
        with cond:
            cond.wait(timeout)

    thread = threading.Thread(target=blocked_quietly, args=(wait,), name=name)
    thread.start()
    wait_until(lambda: cond.entered.count(name) > entries)
    return thread


def test_condition_records_who_waits_whom_notify_woke_and_whose_wait_ran_out():
    cond = GuardedCondition(CancelScope(), GuardedLock())
    first, second = start_waiter(cond, "first"), start_waiter(cond, "second")
    assert cond.waiting == {"first": False, "second": False}
    with cond:
        cond.notify()
        assert cond.waiting == {"second": False}  # taken off at once, before the thread runs again
    first.join(5)
    with cond:
        cond.notify_all()
        assert cond.wait(0.01) is False
    second.join(5)
    assert cond.entered == ["first", "second", threading.current_thread().name]
    assert cond.notified == ["first", "second"]
    assert cond.timed_out == [threading.current_thread().name] and cond.waiting == {}


def test_condition_holds_woken_threads_until_each_is_let_go():
    cond = GuardedCondition(CancelScope(), GuardedLock())
    cond.hold_woken()
    first, second = start_waiter(cond, "first"), start_waiter(cond, "second")
    with cond:
        cond.notify_all()
    time.sleep(0.05)
    with cond:  # neither woken thread has taken the lock back: both are held
        assert first.is_alive() and second.is_alive()
    cond.let_go("second")
    second.join(5)
    assert not second.is_alive() and first.is_alive()
    cond.let_woken_go()
    first.join(5)
    assert not first.is_alive()


def test_a_held_thread_whose_wait_ran_out_is_still_a_waiter_that_notify_picks():
    """As in threading: a timed-out waiter leaves the waiters only once it has the lock back."""
    cond = GuardedCondition(CancelScope(), GuardedLock())
    cond.hold_woken()
    early = start_waiter(cond, "early", timeout=0.01)
    wait_until(lambda: cond.timed_out == ["early"])
    late = start_waiter(cond, "late")
    with cond:
        cond.notify()
    assert cond.notified == ["early"]
    cond.let_woken_go()
    early.join(5)
    with cond:
        cond.notify()
    late.join(5)
    assert cond.notified == ["early", "late"]


def test_a_held_thread_leaves_when_the_scope_is_cancelled():
    scope = CancelScope()
    cond = GuardedCondition(scope, GuardedLock(scope))
    cond.hold_woken()
    waiter = start_waiter(cond, "held")
    with cond:
        cond.notify()
    scope.cancel()
    waiter.join(5)
    assert not waiter.is_alive()


# -- Event, Semaphore, Barrier, Rendezvous -----------------------------------------------------


def test_event_sets_clears_and_wakes_waiters():
    event = GuardedEvent()
    assert event.wait(0.01) is False
    thread = threading.Thread(target=event.wait)
    thread.start()
    event.set()
    thread.join(5)
    assert not thread.is_alive() and event.is_set()
    event.clear()
    assert not event.is_set()


def test_semaphores_count_permits_like_threading():
    semaphore = GuardedSemaphore(value=2)
    assert semaphore.acquire() and semaphore.acquire(timeout=0.5)
    assert semaphore.acquire(blocking=False) is False
    assert semaphore.acquire(timeout=0.01) is False
    semaphore.release(2)
    semaphore.release()  # a plain semaphore may go above its start value
    with pytest.raises(ValueError):
        semaphore.acquire(blocking=False, timeout=1)
    bounded = GuardedBoundedSemaphore(value=1)
    with bounded:
        pass
    with pytest.raises(ValueError, match="released too many times"):
        bounded.release()


def test_barrier_lets_parties_through_and_breaks_on_timeout():
    barrier = GuardedBarrier(parties=2)
    indexes: list[int] = []
    thread = threading.Thread(target=lambda: indexes.append(barrier.wait()))
    thread.start()
    indexes.append(barrier.wait())
    thread.join(5)
    assert sorted(indexes) == [0, 1]
    with pytest.raises(threading.BrokenBarrierError):
        barrier.wait(timeout=0.01)


@pytest.mark.parametrize(
    "blocking_call",
    [
        lambda scope: GuardedEvent(scope).wait,
        lambda scope: GuardedSemaphore(scope, value=0).acquire,
        lambda scope: GuardedBarrier(scope, parties=2).wait,
    ],
    ids=["event", "semaphore", "barrier"],
)
def test_event_semaphore_and_barrier_waits_raise_when_cancelled(blocking_call):
    scope = CancelScope()
    (outcome,) = blocked_outcome(scope, blocking_call(scope))
    assert isinstance(outcome, CheckCancelled)


def test_rendezvous_meets_only_threads_running_at_once():
    together = Rendezvous(None, 3, timeout=5.0)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(together.arrive())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == [True, True, True] and together.met and together.most == 3

    one_by_one = Rendezvous(None, 2, timeout=0.05)
    for _ in range(2):
        thread = threading.Thread(target=lambda: results.append(one_by_one.arrive()))
        thread.start()
        thread.join(5)
    assert results[3:] == [False, False] and not one_by_one.met and one_by_one.most == 1


# -- watched fields and the recorded counter ----------------------------------------------------


class Box(Observed):
    value = Watched(step=1)


def test_watched_field_logs_locked_unlocked_split_and_off_step_writes():
    lock = GuardedLock()
    box = Box(lock, value=0)
    with lock:
        box.value = box.value + 1  # right: read and write in one hold
    box.value = box.value + 1  # unlocked
    seen = box.value
    with lock:
        box.value = seen + 1  # read outside this hold: split
    with lock:
        box.value = box.value + 5  # off step
    log = box.log("value")
    assert log.writes == 4
    assert (log.unlocked_writes, log.split_writes, log.off_steps) == (1, 1, 1)


def test_recorded_counter_counts_every_write_and_the_lost_ones():
    counter = RecordedCounter(0)
    for _ in range(3):
        counter.value += 1
    assert (counter.value, counter.writes, counter.lost_updates()) == (3, 3, 0)
    assert counter.all_steps_of_one()
    counter.value = 2  # a stale write: 1 + 1 after the counter was at 3
    assert counter.lost_updates() == 1 and counter.all_steps_of_one()
    counter.value = 10
    assert not counter.all_steps_of_one()
    assert repr(counter) == "Counter(value=10)"


def test_observed_last_read_tells_the_hold_and_forget_reads_clears_it():
    lock = GuardedLock()
    box = Box(lock, value=0)
    assert box.last_read("value") is None
    with lock:
        _ = box.value
    first = box.last_read("value")
    with lock:
        _ = box.value
    second = box.last_read("value")
    assert first[0] == second[0] == 0 and None not in first[1] + second[1] and first[1] != second[1]
    _ = box.value
    assert None in box.last_read("value")[1]
    box.forget_reads()
    assert box.last_read("value") is None


def test_observed_external_write_is_not_logged():
    box = Box(value=10)
    box.external_write("value", 0)
    assert box.peek("value") == 0 and box.log("value").writes == 0


def test_a_watched_field_never_written_reads_like_a_missing_attribute():
    box = Box()
    with pytest.raises(AttributeError, match="'Box' object has no attribute 'value'"):
        _ = box.value


def test_observed_subclass_watches_a_learners_class_and_keeps_its_methods():
    class Wallet:
        __slots__ = ("balance", "lock")

        def __init__(self, balance, lock):
            super().__init__()
            self.balance = balance
            self.lock = lock

        def log(self):  # a method named like Observed.log
            return "the learner's"

        def spend(self, amount):
            with self.lock:
                self.balance -= amount

    lock = GuardedLock()
    Watching = observed_subclass(Wallet, lock, balance=Watched())
    wallet = Watching(10, lock)
    assert isinstance(wallet, Wallet) and type(wallet).__name__ == "Wallet" and wallet.log() == "the learner's"
    wallet.spend(3)
    wallet.balance = 0
    log = Observed.log(wallet, "balance")
    assert (log.writes, log.unlocked_writes, Observed.peek(wallet, "balance")) == (3, 2, 0)
