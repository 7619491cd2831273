"""Declare a scenario: threads, the programs they run and what they share (:func:`scenario`)."""

from __future__ import annotations

import keyword
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from synclab._validate import check_int
from synclab.scheduler.compiler import compile_program
from synclab.scheduler.model import Scenario
from synclab.scheduler.program import Value

__all__ = ["MAX_THREADS", "scenario"]

MAX_THREADS = 8

_NAME_HELP = "a short identifier like 'T1', 'lock_a' or 'counter'"


def _check_name(what: str, name: object) -> str:
    if not isinstance(name, str):
        raise TypeError(f"{what} must be {_NAME_HELP}, got {name!r} of type {type(name).__name__}")
    if not name.isidentifier() or keyword.iskeyword(name) or len(name) > 20:
        raise ValueError(f"{what} must be {_NAME_HELP} (at most 20 characters), got {name!r}")
    return name


def _check_value(what: str, value: object) -> Value:
    return value if isinstance(value, bool) else check_int(what, value, -(10**9), 10**9)


def _pairs(what: str, value: object, example: str, named: Callable[[int, object], tuple] | None = None) -> list:
    """``value`` as (name, item) pairs: a dict's items, or (given ``named``) a list's items named ``named(k, item)``."""
    if isinstance(value, Mapping):
        return list(value.items())
    if named is not None and isinstance(value, Sequence) and not isinstance(value, str):
        return [named(k, item) for k, item in enumerate(value, start=1)]
    raise TypeError(f"{what} must be {example}, got {value!r} of type {type(value).__name__}")


def scenario(
    threads: Mapping[str, str] | Sequence[str],
    *,
    shared: Mapping[str, Value] | None = None,
    buffers: Mapping[str, int] | None = None,
    locks: Sequence[str] = (),
    conditions: Mapping[str, str | None] | Sequence[str] | None = None,
    expect: Mapping[str, Value] | None = None,
    title: str = "",
) -> Scenario:
    """Describe threads and what they share, for the scheduler to play.

    ``threads`` is ``{"T1": "counter += 1", ...}`` or a list of programs (named T1, T2, ...);
    ``shared`` and ``buffers`` give starting values and lengths; ``conditions`` is
    ``{"cond": "lock"}``, or names alone for conditions with a lock of their own; ``expect``
    holds the final values a correct run ends with.
    """
    pairs = _pairs("threads", threads, "a dict {name: program} or a list of programs", lambda k, src: (f"T{k}", src))
    check_int("number of threads", len(pairs), 1, MAX_THREADS)
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {title!r} of type {type(title).__name__}")
    shared_pairs = _pairs("shared", {} if shared is None else shared, "a dict like {'counter': 0}")
    buffer_pairs = _pairs("buffers", {} if buffers is None else buffers, "a dict like {'buffer': 0}")
    expect_pairs = _pairs("expect", {} if expect is None else expect, "a dict like {'counter': 2}")
    if isinstance(locks, str) or not isinstance(locks, Sequence):
        raise TypeError(f"locks must be a list of names like ['lock'], got {locks!r} of type {type(locks).__name__}")
    conditions = {} if conditions is None else conditions
    cond_pairs = _pairs(
        "conditions", conditions, "a dict like {'cond': 'lock'} or a list of names", lambda _, n: (n, None)
    )

    seen: dict[str, str] = {}

    def declare(what: str, name: object) -> str:
        name = _check_name(what, name)
        if name in seen:
            raise ValueError(f"{what} {name!r} is already used as a {seen[name]}; give each name one meaning")
        seen[name] = what.split()[0]
        return name

    thread_names = tuple(declare("thread name", name) for name, _ in pairs)
    variables, initial = [], []
    for name, value in shared_pairs:
        variables.append(declare("shared variable", name))
        initial.append(_check_value(f"shared[{name!r}]", value))
    for name, value in buffer_pairs:
        variables.append(declare("buffer name", name))
        initial.append(check_int(f"buffers[{name!r}]", value, 0, 1000))
    lock_names = [declare("lock name", name) for name in locks]
    cond_names, cond_locks = [], []
    for name, lock in cond_pairs:
        cond_names.append(declare("condition name", name))
        if lock is None:  # a condition made without a lock has its own, named like it
            lock_names.append(name)
        elif _check_name(f"the lock of condition {name!r}", lock) not in lock_names:
            declared = ", ".join(lock_names) or "none declared"
            raise ValueError(f"the lock of condition {name!r} must be one of the locks ({declared}), got {lock!r}")
        cond_locks.append(lock_names.index(name if lock is None else lock))
    expected = []
    for name, value in expect_pairs:
        if name not in variables:
            declared = ", ".join(variables) or "none declared"
            raise ValueError(f"expect names shared variables or buffers ({declared}), got {name!r}")
        expected.append((name, _check_value(f"expect[{name!r}]", value)))
    names = Scenario(
        title, thread_names, (), tuple(variables), tuple(initial), frozenset(dict(buffer_pairs)), tuple(lock_names),
        tuple(cond_names), tuple(cond_locks), tuple(expected),
    )  # fmt: skip
    programs = (compile_program(name, source, names) for name, (_, source) in zip(thread_names, pairs, strict=True))
    return replace(names, programs=tuple(programs))
