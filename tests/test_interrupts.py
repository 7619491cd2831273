"""The kernel's stop button during any experiment leaves no worker thread behind.

Jupyter's interrupt raises KeyboardInterrupt in the main thread. Each
experiment below is given enough work to run for many seconds, is interrupted
after 0.3 s, and must re-raise the KeyboardInterrupt with every one of its
threads finished and the switch interval restored.
"""

from __future__ import annotations

import _thread
import sys
import threading
import time

import pytest

import synclab

LONG_RUNS = {
    "run_counter": lambda: synclab.run_counter(threads=8, increments=1_000_000),
    "run_bank": lambda: synclab.run_bank(threads=8, withdrawals=10_000, style="long", work=0.01),
    "run_ledger": lambda: synclab.run_ledger(threads=8, batches=1_000, batch_size=64, design="RLock"),
    "run_buffer": lambda: synclab.run_buffer(items=1_000, produce_rate=10, consume_rate=10),
    "run_pool": lambda: synclab.run_pool(threads=8, limit=2, uses=1_000, hold=0.05),
    "run_phases": lambda: synclab.run_phases(threads=4, phases=100, work=0.1),
    "run_start_gate": lambda: synclab.run_start_gate(workers=4, setup_steps=1_000, step=0.01),
    "run_stop_signal": lambda: synclab.run_stop_signal(threads=3, wait="sleep", period=1.0, run_for=5.0),
    "run_transfers": lambda: synclab.run_transfers(
        accounts=64, threads=8, transfers=100_000, strategy="ordered", hold=0.01
    ),
    "run_dict_iteration": lambda: synclab.run_dict_iteration(tries=100_000, keys=100_000),
    "run_queue_buffer": lambda: synclab.run_queue_buffer(items=1_000, produce_rate=10, consume_rate=10),
    "run_pipeline": lambda: synclab.run_pipeline(stages=4, workers=8, items=5_000, work=0.05),
    "run_pipeline_list": lambda: synclab.run_pipeline(stages=4, workers=8, items=5_000, work=0.05, channel="list"),
    "measure_concurrency": lambda: synclab.measure_concurrency(tasks=16, io_seconds=1.0, cpu_seconds=0.2),
    "measure_blocked_thread": lambda: synclab.measure_blocked_thread(hold=2.0),
    "run_livelock": lambda: synclab.run_livelock("polite", rounds=100_000),
    "run_starvation": lambda: synclab.run_starvation(duration=10.0),
    "repeat_test": lambda: synclab.repeat_test(lambda target: time.sleep(0.01), None, runs=10_000),
}


@pytest.mark.parametrize("attempt", [1, 2, 3])  # the interrupt lands at a different moment each time
@pytest.mark.parametrize("name", sorted(LONG_RUNS))
def test_interrupt_stops_every_worker(name, attempt, sigint_raises):
    baseline = {t.ident for t in threading.enumerate()}
    interval = sys.getswitchinterval()
    timer = threading.Timer(0.3, _thread.interrupt_main)
    try:
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            LONG_RUNS[name]()
    finally:
        timer.cancel()
        timer.join(5)
    left = [t.name for t in threading.enumerate() if t.ident not in baseline and t.is_alive()]
    assert left == [], f"{name} left threads running after an interrupt: {left}"
    assert sys.getswitchinterval() == interval


def test_every_threaded_experiment_is_in_the_table():
    # run_notify and run_stolen_wakeup play a fixed, forced schedule of a few steps,
    # each bounded by its own timeout (2 s at most); there is nothing long to interrupt.
    threaded = {
        name
        for name in synclab.__all__
        if name.startswith(("run_", "measure_blocked")) and name not in {"run_notify", "run_stolen_wakeup"}
    }
    assert threaded <= set(LONG_RUNS), f"add these to LONG_RUNS: {sorted(threaded - set(LONG_RUNS))}"
