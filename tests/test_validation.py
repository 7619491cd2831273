"""Bad input gets a clear ValueError or TypeError before any thread starts.

What this file checks that test_bad_inputs.py (generated from the signatures)
does not: the words of the message, and values the generator never tries:
boundaries (0, 65, 17, 50 and the race-window-dependent increments), an
integral float (4.0), a bool for an int (True), an unknown choice ("yield",
"x"), ``switch_interval`` (its default is None, so it is not generated at all),
the sequence ``threads`` of sweep_counter, and check_exercise and plot_counter
(required arguments, which the generator skips). No case repeats a generated
one (the same function, argument and value): the generator already pins the
error type of those and that the message names the argument.
"""

from __future__ import annotations

import pytest
from conftest import started_threads

import synclab

GOOD_COUNTER = {"threads": 4, "increments": 100}

# (function, kwargs, error, words the message must contain)
CASES = [
    (synclab.run_counter, {"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
    (synclab.run_counter, {"threads": 65}, ValueError, "threads must be between 1 and 64, got 65"),
    (synclab.run_counter, {"threads": -3}, ValueError, "threads must be between 1 and 64"),
    (synclab.run_counter, {"threads": 10**9}, ValueError, "threads must be between 1 and 64"),
    (synclab.run_counter, {"threads": "4"}, TypeError, "threads must be an integer"),
    (synclab.run_counter, {"threads": 4.0}, TypeError, "threads must be an integer"),
    (synclab.run_counter, {"threads": True}, TypeError, "threads must be an integer"),
    (synclab.run_counter, {"increments": 0}, ValueError, "increments must be between 1 and 1,000,000, got 0"),
    (synclab.run_counter, {"increments": -5}, ValueError, "increments must be between 1 and 1,000,000"),
    (synclab.run_counter, {"increments": 1.5}, TypeError, "increments must be an integer"),
    (synclab.run_counter, {"use_lock": 0}, TypeError, "use_lock must be True or False"),
    (synclab.run_counter, {"race_window": "yield"}, ValueError, "race_window must be one of 'none', 'call', 'sleep'"),
    (synclab.run_counter, {"switch_interval": 0}, ValueError, "switch_interval must be between 1e-06 and 0.1 s"),
    (synclab.run_counter, {"switch_interval": 5}, ValueError, "switch_interval must be between"),
    (synclab.run_counter, {"switch_interval": float("nan")}, ValueError, "switch_interval must be between"),
    (synclab.run_counter, {"switch_interval": "fast"}, TypeError, "switch_interval must be a number"),
    (synclab.run_counter, {"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    (synclab.sweep_counter, {"threads": 4}, TypeError, "threads must be a sequence"),
    (synclab.sweep_counter, {"threads": "1248"}, TypeError, "threads must be a sequence"),
    (synclab.sweep_counter, {"threads": ()}, ValueError, "len(threads) must be between 1 and 16"),
    (synclab.sweep_counter, {"threads": (1, 2, 0)}, ValueError, "threads must be between 1 and 64, got 0"),
    (synclab.counter_lab, {"threads": 0}, ValueError, "threads must be between 1 and 16, got 0"),
    (synclab.counter_lab, {"threads": 17}, ValueError, "threads must be between 1 and 16, got 17"),
    (synclab.counter_lab, {"threads": "8"}, TypeError, "threads must be an integer"),
    (synclab.counter_lab, {"increments": 40}, ValueError, "increments must be between 50 and 400"),
    (synclab.counter_lab, {"increments": 600, "race_window": "call"}, ValueError, "between 1,000 and 6,000"),
    (synclab.counter_lab, {"increments": "8"}, TypeError, "increments must be an integer"),
    (synclab.counter_lab, {"race_window": "x"}, ValueError, "race_window must be one of"),
    (synclab.counter_lab, {"use_lock": 0}, TypeError, "use_lock must be True or False"),
    (synclab.counter_lab, {"switch_interval": 1.0}, ValueError, "switch_interval must be between"),
    (synclab.check_exercise, {"exercise": 2.1}, TypeError, "exercise must be a string"),
    (synclab.check_exercise, {"exercise": "99.9"}, ValueError, "exercise must be one of"),
    (synclab.plots.plot_counter, {"result": 42}, TypeError, "result must be a CounterResult or CounterSweep"),
]


def _call(function, kwargs):
    if function is synclab.check_exercise:
        return function(kwargs["exercise"], print)
    if function is synclab.plots.plot_counter:
        return function(kwargs["result"])
    args = dict(GOOD_COUNTER) if function is not synclab.sweep_counter else {"threads": (1, 2), "increments": 100}
    args.update(kwargs)
    return function(**args)


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "words"),
    CASES,
    ids=[f"{f.__name__}-{'-'.join(f'{k}={v!r}' for k, v in kw.items())}" for f, kw, _, _ in CASES],
)
def test_bad_input_is_refused_before_any_thread_starts(function, kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        _call(function, kwargs)
    assert words in str(info.value)
    assert started == []
