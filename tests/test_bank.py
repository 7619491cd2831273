"""run_bank and sweep_bank: lock scope measured with real threads, and the overdraft race."""

from __future__ import annotations

import threading

import pytest
from conftest import started_threads

import synclab
from synclab import run_bank, sweep_bank
from synclab.experiments import bank
from tests.test_instruments import NullLock

RUNS = 10
#: The overdraft demo of notebook 03: 4 threads x 10 attempts at 10 from a balance of 100.
OVERDRAFT = {"threads": 4, "withdrawals": 10, "balance": 100}


@pytest.mark.statistical
def test_slow_work_inside_the_lock_is_correct_serialised_and_contended():
    """Statistical for ``contended > 0`` only (the rest is exact): 10 of 10 runs had 28-38 of the 40 acquisitions wait
    (CPython 3.11 here, both cores busy with other work); with 1 ms of work inside the lock, a run with none needs
    the OS to run the four threads strictly one after another."""
    baseline = threading.active_count()
    results = [run_bank(style="long") for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for r in results:
        assert (r.threads, r.withdrawals, r.amount) == (4, 10, 10)
        assert r.opening == 400 and r.closing == 0
        assert r.approved == r.attempts == 40 and r.refused == 0 and r.consistent
        assert r.lock.acquisitions == 40
        assert {t.thread for t in r.lock.threads} == {"T1", "T2", "T3", "T4"}
        # the sleep runs inside the lock, so every hold lasts at least the slow work
        assert all(e.hold >= r.work for e in r.lock.events)
        assert r.lock.contended > 0
        assert r.throughput == pytest.approx(40 / r.elapsed)


def test_slow_work_outside_the_lock_is_correct():
    baseline = threading.active_count()
    results = [run_bank(style="short") for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for r in results:
        assert r.closing == 0 and r.approved == 40 and r.consistent
        assert r.lock.acquisitions == 40


@pytest.mark.statistical
def test_the_lock_tests_fail_if_the_lock_does_nothing(monkeypatch):
    """With a lock that lets everyone in, nobody waits and overlapping holds merge into one.

    Statistical for the merge: the four threads are released together and each sleeps 1 ms inside the do-nothing
    lock, so their holds overlap; 10 of 10 runs merged 4 holds into 1 (CPython 3.11 here, both cores busy with other
    work)."""
    real = bank._RecordingLock
    monkeypatch.setattr(bank, "_RecordingLock", lambda origin: real(origin, NullLock()))
    result = run_bank(style="long")
    assert result.lock.contended == 0
    assert result.lock.acquisitions < result.attempts


def test_one_thread_never_waits():
    for style in ("short", "long"):
        r = run_bank(threads=1, style=style, withdrawals=10)
        assert r.lock.contended == 0 and r.lock.total_wait == 0.0
        assert r.closing == 0 and r.approved == 10


@pytest.mark.statistical
def test_more_threads_wait_longer_in_all_with_the_work_inside():
    """Each withdrawal waits behind the holder: total waiting grows with the thread count.

    Statistical: over 10 pairs of runs the 8 threads waited 22-50x as long in all as the 2 (CPython 3.11 here, both
    cores busy with other work); the test asks only for longer."""
    two = run_bank(threads=2, style="long", work=0.002, withdrawals=10)
    eight = run_bank(threads=8, style="long", work=0.002, withdrawals=10)
    # 8 threads queue behind up to 7 holders of >= 2 ms each, 2 threads behind 1.
    assert eight.lock.total_wait > two.lock.total_wait


@pytest.mark.statistical
def test_check_outside_the_lock_overdraws_every_time_without_losing_an_update():
    """Statistical: the check and the subtraction are 1 ms of slow work apart, so several threads pass the check on the
    last 10 together; 20 of 20 runs overdrew to -30 (CPython 3.11 here, both cores busy with other work); each run
    needs one overdraft."""
    baseline = threading.active_count()
    results = [run_bank(style="check_outside", **OVERDRAFT) for _ in range(RUNS)]
    assert threading.active_count() == baseline
    for r in results:
        assert r.overdrawn, r.closing
        assert r.approved > r.opening // r.amount
        assert r.consistent  # the subtraction itself is locked: nothing is lost, yet too much is approved
        assert r.history[-1][1] == r.closing


def test_check_inside_the_lock_never_overdraws():
    for _ in range(RUNS):
        r = run_bank(style="short", **OVERDRAFT)
        assert r.closing == 0 and not r.overdrawn
        assert r.approved == 10 and r.refused == 30
        assert all(balance >= 0 for _, balance in r.history)


def test_history_follows_the_balance_down():
    r = run_bank(style="short", threads=2, withdrawals=5)
    times = [t for t, _ in r.history]
    balances = [b for _, b in r.history]
    assert times == sorted(times) and times[0] >= 0
    assert balances == list(range(r.opening - r.amount, -1, -r.amount))


def test_no_slow_work_still_runs():
    r = run_bank(style="long", work=0, withdrawals=20)
    assert r.closing == 0 and r.work == 0.0


def test_sweep_runs_every_combination_styles_fastest():
    baseline = threading.active_count()
    sweep = sweep_bank(threads=(1, 3), work=0.0005, withdrawals=4)
    assert threading.active_count() == baseline
    assert [(r.threads, r.style) for r in sweep.results] == [(1, "short"), (1, "long"), (3, "short"), (3, "long")]
    assert sweep.styles == ("short", "long")
    assert [r.threads for r in sweep.of_style("long")] == [1, 3]
    work_sweep = sweep_bank(threads=2, work=(0.0, 0.001), styles=("long",), withdrawals=3)
    assert [r.work for r in work_sweep.results] == [0.0, 0.001]


def test_too_much_work_times_out_and_stops_every_thread():
    baseline = threading.active_count()
    with pytest.raises(TimeoutError, match="run_bank did not finish within 0.3 s"):
        run_bank(threads=8, withdrawals=10_000, style="long", work=0.01, timeout=0.3)
    assert threading.active_count() == baseline


def test_results_are_frozen():
    r = run_bank(threads=1, withdrawals=1, work=0)
    with pytest.raises(AttributeError):
        r.closing = 5  # type: ignore[misc]


def test_the_account_methods_are_the_plain_code_the_notebook_shows():
    account = synclab.BankAccount(20, 0.0)
    assert isinstance(account.lock, type(threading.Lock()))
    assert account.withdraw_short(10) and account.withdraw_long(10)
    assert not account.withdraw_short(10) and not account.withdraw_check_outside(10)
    assert account.balance == 0


# (function, kwargs, error, words the message must contain)
BAD = [
    (run_bank, {"threads": 0}, ValueError, "threads must be between 1 and 64, got 0"),
    (run_bank, {"threads": 65}, ValueError, "threads must be between 1 and 64, got 65"),
    (run_bank, {"threads": 10**9}, ValueError, "threads must be between 1 and 64"),
    (run_bank, {"threads": "4"}, TypeError, "threads must be an integer"),
    (run_bank, {"threads": 4.0}, TypeError, "threads must be an integer"),
    (run_bank, {"withdrawals": 0}, ValueError, "withdrawals must be between 1 and 10,000, got 0"),
    (run_bank, {"withdrawals": 10**6}, ValueError, "withdrawals must be between 1 and 10,000"),
    (run_bank, {"withdrawals": 1.5}, TypeError, "withdrawals must be an integer"),
    (run_bank, {"style": "medium"}, ValueError, "style must be one of 'short', 'long', 'check_outside'"),
    (run_bank, {"style": 3}, TypeError, "style must be one of"),
    (run_bank, {"work": -0.001}, ValueError, "work must be between 0 and 0.05 s"),
    (run_bank, {"work": 1}, ValueError, "work must be between 0 and 0.05 s, got 1"),
    (run_bank, {"work": "1ms"}, TypeError, "work must be a number"),
    (run_bank, {"amount": 0}, ValueError, "amount must be between 1 and 1,000,000, got 0"),
    (run_bank, {"amount": 1.5}, TypeError, "amount must be an integer"),
    (run_bank, {"balance": -10}, ValueError, "balance must be between 0 and"),
    (run_bank, {"balance": "100"}, TypeError, "balance must be an integer"),
    (run_bank, {"timeout": 0}, ValueError, "timeout must be between 0.1 and 600 s"),
    (sweep_bank, {"threads": "12"}, TypeError, "threads must be a number or a sequence"),
    (sweep_bank, {"threads": ()}, ValueError, "len(threads) must be between 1 and 16"),
    (sweep_bank, {"threads": (1, 0)}, ValueError, "threads must be between 1 and 64, got 0"),
    (sweep_bank, {"work": (0.001, 2)}, ValueError, "work must be between 0 and 0.05 s"),
    (sweep_bank, {"styles": ("short", "x")}, ValueError, "style must be one of"),
    (sweep_bank, {"styles": ()}, ValueError, "len(styles) must be between 1 and 16"),
    (sweep_bank, {"styles": "short"}, TypeError, "styles must be a sequence of styles like ('short', 'long')"),
    (sweep_bank, {"styles": None}, TypeError, "styles must be a sequence of styles"),
    (sweep_bank, {"threads": tuple(range(1, 17)), "work": (0.0, 0.001)}, ValueError, "number of runs must be"),
    (sweep_bank, {"withdrawals": 0}, ValueError, "withdrawals must be between"),
    (synclab.bank_lab, {"threads": 0}, ValueError, "threads must be between 1 and 16, got 0"),
    (synclab.bank_lab, {"threads": 17}, ValueError, "threads must be between 1 and 16, got 17"),
    (synclab.bank_lab, {"threads": "4"}, TypeError, "threads must be an integer"),
    (synclab.bank_lab, {"work_ms": 50}, ValueError, "work_ms must be between 0 and 5 ms"),
    (synclab.bank_lab, {"work_ms": "2"}, TypeError, "work_ms must be a number"),
    (synclab.bank_lab, {"style": "check_outside"}, ValueError, "style must be one of 'short', 'long'"),
    (synclab.bank_lab, {"withdrawals": 0}, ValueError, "withdrawals must be between 1 and 100"),
    (synclab.plots.plot_bank_sweep, {"sweep": 3}, TypeError, "sweep must be a BankSweep"),
]


@pytest.mark.parametrize(
    ("function", "kwargs", "error", "words"),
    BAD,
    ids=[f"{f.__name__}-{'-'.join(f'{k}={v!r}' for k, v in kw.items())}"[:80] for f, kw, _, _ in BAD],
)
def test_bad_input_is_refused_before_any_thread_starts(function, kwargs, error, words, monkeypatch):
    started = started_threads(monkeypatch)
    with pytest.raises(error) as info:
        function(**kwargs)
    assert words in str(info.value)
    assert started == []
