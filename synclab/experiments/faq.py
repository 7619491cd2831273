"""Experiments behind the questions of notebook 11: a blocked thread sleeps while a spinning one burns
CPU (:func:`measure_blocked_thread`); a dict changed under a loop (:func:`run_dict_iteration`)."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from typing import Any

from synclab._threads import run_workers
from synclab._validate import check_bool, check_float, check_int, check_timeout


@dataclass(frozen=True, slots=True)
class BlockedThreadResult:
    """Wall-clock and CPU time of a thread that blocks and of one that spins."""

    blocked_wall: float
    blocked_cpu: float
    spin_wall: float
    spin_cpu: float
    spin_attempts: int


def measure_blocked_thread(hold: float = 0.2, *, timeout: float = 10.0) -> BlockedThreadResult:
    """Compare a thread blocked in ``acquire()`` with one spinning on ``acquire(blocking=False)``.

    A holder thread takes two plain :class:`threading.Lock` objects, sleeps ``hold`` seconds and releases
    them. Meanwhile one thread waits for the first lock with a normal blocking ``acquire()``, and another
    polls the second lock in a loop until it gets it. Each measures its own wall-clock time
    (:func:`time.perf_counter`) and CPU time (:func:`time.thread_time`) until it has the lock.
    """
    hold = check_float("hold", hold, 0.01, 2.0)
    timeout = check_timeout(timeout)
    if timeout <= hold:
        raise ValueError(f"timeout must be longer than hold ({hold:g} s), got {timeout:g} s")
    for_blocker, for_spinner = threading.Lock(), threading.Lock()
    taken = threading.Event()
    stop = threading.Event()
    measured: dict[str, Any] = {}

    def holder() -> None:
        with for_blocker, for_spinner:
            taken.set()
            stop.wait(hold)

    def blocked() -> None:
        if not taken.wait(timeout):
            return
        wall, cpu = time.perf_counter(), time.thread_time()
        with for_blocker:  # blocks: the thread sleeps until the holder releases
            measured["blocked_wall"] = time.perf_counter() - wall
            measured["blocked_cpu"] = time.thread_time() - cpu

    def spinning() -> None:
        if not taken.wait(timeout):
            return
        wall, cpu = time.perf_counter(), time.thread_time()
        attempts = 1
        while not for_spinner.acquire(blocking=False):  # never sleeps: asks again at once
            attempts += 1
            if stop.is_set():
                return
        measured["spin_wall"] = time.perf_counter() - wall
        measured["spin_cpu"] = time.thread_time() - cpu
        measured["spin_attempts"] = attempts
        for_spinner.release()

    run_workers(
        [holder, blocked, spinning],
        names=["holder", "blocked", "spinning"],
        timeout=timeout,
        stop=stop,
        what="measure_blocked_thread",
    )
    return BlockedThreadResult(**measured)


@dataclass(frozen=True, slots=True)
class DictIterationResult:
    """What one run of :func:`run_dict_iteration` measured."""

    tries: int
    raised: int
    mixed: int
    messages: tuple[str, ...]
    changes: int
    elapsed: float

    @property
    def wrong(self) -> int:
        """Tries that went wrong, loudly or quietly."""
        return self.raised + self.mixed


def _a_real_moment(count: int, total: int, keys: int) -> bool:
    """Whether ``count`` keys summing to ``total`` can be the dict at one moment.

    The dict always holds consecutive integers ``m, m + 1, ...``: ``keys`` or
    ``keys + 1`` of them, ``keys + 2`` for a moment inside a change.
    """
    if count not in (keys, keys + 1, keys + 2):
        return False
    return (total - count * (count - 1) // 2) % count == 0


def run_dict_iteration(
    tries: int = 2_000, keys: int = 1_000, use_lock: bool = False, *, timeout: float = 30.0
) -> DictIterationResult:
    """Loop over a dict in one thread while another thread changes it.

    The writer adds the next integer key and every other time deletes the two oldest; the
    reader makes ``tries`` loops over ``shared.items()``, counting and adding the keys. Nothing is
    forced: when the switch interval lands a switch mid-loop, the loop raises ``RuntimeError`` or
    sees a mix of old and new keys. With ``use_lock`` every loop sees one real moment of the dict.
    """
    tries = check_int("tries", tries, 1, 100_000)
    keys = check_int("keys", keys, 10, 100_000)
    use_lock = check_bool("use_lock", use_lock)
    timeout = check_timeout(timeout)
    shared = {n: n for n in range(keys)}
    guard = threading.Lock() if use_lock else contextlib.nullcontext()
    stop = threading.Event()
    reader_done = threading.Event()
    counts = {"raised": 0, "mixed": 0}
    state = {"newest": keys, "oldest": 0}
    messages: set[str] = set()

    def writer() -> None:
        while not reader_done.is_set() and not stop.is_set():
            # One new key arrives; every other time the two oldest leave, so the
            # dict holds `keys` or `keys + 1` consecutive integers between changes.
            with guard:
                shared[state["newest"]] = state["newest"]
                state["newest"] += 1
                if len(shared) > keys + 1:
                    del shared[state["oldest"]]
                    del shared[state["oldest"] + 1]
                    state["oldest"] += 2

    def reader() -> None:
        try:
            for _ in range(tries):
                if stop.is_set():
                    return
                count = total = 0
                try:
                    with guard:
                        for key, _value in shared.items():
                            count += 1
                            total += key
                except RuntimeError as error:
                    counts["raised"] += 1
                    messages.add(str(error))
                    continue
                if not _a_real_moment(count, total, keys):
                    counts["mixed"] += 1
        finally:
            reader_done.set()

    elapsed = run_workers(
        [writer, reader], names=["writer", "reader"], timeout=timeout, stop=stop, what="run_dict_iteration"
    )
    return DictIterationResult(
        tries=tries,
        raised=counts["raised"],
        mixed=counts["mixed"],
        messages=tuple(sorted(messages)),
        changes=state["newest"] - keys,
        elapsed=elapsed,
    )
