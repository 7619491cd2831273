"""Plots and table of notebook 08: titles state the finding, axes carry units (leaks: test_lab_figures.py)."""

from __future__ import annotations

import pytest
from conftest import numbers_in, seconds_in

import synclab
from synclab.plots.primitives import Table, pool_headline


@pytest.fixture(scope="module")
def pool():
    return synclab.run_pool(threads=6, limit=2, uses=2, hold=0.002)


@pytest.fixture(scope="module")
def overhead():
    return synclab.measure_overhead(number=200, repeats=2)


@pytest.mark.statistical
def test_pool_plot_has_a_row_per_thread_and_the_measured_count(pool):
    """Statistical for the count of 2: 6 threads hold 2 permits for 2 ms each; 20 of 20 runs had 2 holders at once
    (CPython 3.11 here, both cores busy with other work)."""
    fig = synclab.plots.plot_pool(pool)
    top, bottom = fig.axes
    assert [t.get_text() for t in top.get_yticklabels()] == [f"T{i}" for i in range(1, 7)]
    assert numbers_in(top.get_title()) == [2, pool.max_holders, 6]  # Semaphore(2): at most 2 of 6 threads
    assert "(ms)" in bottom.get_xlabel() and "threads in the pool" in bottom.get_ylabel()
    (step,) = [line for line in bottom.get_lines() if line.get_label() == "threads in the pool"]
    assert max(step.get_ydata()) == pool.max_holders == 2
    (limit,) = [line for line in bottom.get_lines() if line.get_label() == "limit = 2"]
    assert list(limit.get_ydata()) == [2, 2]


@pytest.mark.statistical
def test_pool_headline_states_each_finding():
    """Statistical: 20 of 20 runs without a semaphore had all 5 threads in at once, and 20 of 20 with the extra release
    had 4 (CPython 3.11 here, both cores busy with other work)."""
    unguarded = synclab.run_pool(threads=5, limit=2, uses=1, guard="none")
    assert unguarded.max_holders == 5 and numbers_in(pool_headline(unguarded)) == [5, 2]  # up to 5 (limit 2)
    assert "no semaphore" in pool_headline(unguarded)
    extra = synclab.run_pool(extra_release=True)
    assert extra.max_holders == 4 and numbers_in(pool_headline(extra)) == [3, 4, 3]  # Semaphore(3): up to 4 (limit 3)
    assert "extra release" in pool_headline(extra)
    alone = synclab.run_pool(threads=1, limit=2, uses=1, hold=0.0, guard="BoundedSemaphore", extra_release=True)
    assert numbers_in(pool_headline(alone)) == [2, 1, 1]  # BoundedSemaphore(2): at most 1 of 1 threads
    assert "ValueError from the extra release" in pool_headline(alone)


def test_pool_plot_reuses_a_given_figure(pool):
    fig = synclab.plots.plot_pool(pool)
    assert synclab.plots.plot_pool(pool, fig) is fig
    assert len(fig.axes) == 2


@pytest.mark.statistical
def test_gate_plot_titles_say_who_began_early():
    """Statistical for the ungated title (the gated one is exact): in 20 of 20 runs all 3 workers began before the 10
    ms of setup were done (CPython 3.11 here, both cores busy with other work)."""
    gated = synclab.plots.plot_start_gate(synclab.run_start_gate(workers=3)).axes[0]
    assert numbers_in(gated.get_title()) == [3] and "after setup" in gated.get_title()
    assert [t.get_text() for t in gated.get_yticklabels()] == ["setup", "T1", "T2", "T3"]
    assert "(ms)" in gated.get_xlabel()
    ungated = synclab.run_start_gate(workers=3, use_gate=False)
    title = synclab.plots.plot_start_gate(ungated).axes[0].get_title()
    assert numbers_in(title) == [len(ungated.early), 3] and "before setup" in title


def test_stop_plot_groups_one_bar_per_worker_per_run():
    runs = [synclab.run_stop_signal(threads=2, wait=w, period=0.02, run_for=0.01) for w in ("sleep", "event")]
    ax = synclab.plots.plot_stop_signal(runs).axes[0]
    assert len(ax.patches) == 4
    assert ax.get_yscale() == "log" and "(ms, log)" in ax.get_ylabel()
    for line, run, how in zip(ax.get_title().splitlines(), runs, ("sleep", "wait"), strict=True):
        assert how in line and numbers_in(line)[0] == 0.02
        assert seconds_in(line) == pytest.approx([run.max_latency], rel=0.05, abs=1e-6)  # all stopped within
    single = synclab.plots.plot_stop_signal(runs[1]).axes[0]
    assert len(single.patches) == 2


@pytest.mark.statistical
def test_phase_plot_marks_each_barrier_release():
    """Statistical for the run without a barrier: 20 of 20 such runs overlapped (CPython 3.11 here, both cores busy
    with other work); T1 works 2 ms a phase, T3 6 ms."""
    result = synclab.run_phases(threads=3, phases=2, work=0.001)
    ax = synclab.plots.plot_phases(result).axes[0]
    assert len(ax.collections) == 6  # a bar per thread per phase
    dotted = [line for line in ax.get_lines() if line.get_linestyle() == ":"]
    assert len(dotted) == 2
    assert numbers_in(ax.get_title()) == [] and "no thread began a phase before" in ax.get_title()
    loose = synclab.plots.plot_phases(synclab.run_phases(threads=3, phases=2, work=0.002, use_barrier=False)).axes[0]
    assert "ran ahead" in loose.get_title()
    broken = synclab.run_phases(threads=3, phases=2, quitter=True, barrier_timeout=0.02)
    title = synclab.plots.plot_phases(broken).axes[0].get_title()
    assert numbers_in(title)[:2] == [3, 1] and seconds_in(title) == [0.02]  # T3 left after phase 1; waited 20 ms
    assert "BrokenBarrierError" in title


def test_overhead_chart_has_a_bar_per_row_in_nanoseconds(overhead):
    ax = synclab.plots.plot_overhead(overhead).axes[0]
    assert len(ax.patches) == len(overhead.costs)
    assert [p.get_width() for p in ax.patches] == pytest.approx([c.seconds * 1e9 for c in overhead.costs])
    assert "(ns)" in ax.get_xlabel()
    assert overhead.python in ax.get_title()


def test_overhead_table_compares_measurement_and_common_claims(overhead):
    table = synclab.plots.overhead_table(overhead)
    assert isinstance(table, Table)
    assert [row[0] for row in table.rows] == [c.name for c in overhead.costs]
    assert "article" not in str(table).lower()
    rows = {row[0]: row for row in table.rows}
    assert rows["RLock"][2] == "yes" and rows["Lock"][2] == "no"
    assert rows["Event"][2].startswith("n/a") and rows["Queue"][2].startswith("n/a")
    assert rows["Semaphore"][-1] == "No, Low" and rows["Event"][-1] == "N/A, Very low"
    assert rows["Queue"][-1] == "not in the common table"
    assert rows["Lock"][3] == "1.0×"
    text = str(table)
    assert text.splitlines()[1].startswith("primitive")
    assert not any(cell.endswith(" ns") for row in table.rows for cell in row)  # nanoseconds only under the hood
    html = table._repr_html_()
    main, folded = html.split("<details>")
    assert main.count("<tr>") == len(overhead.costs) + 1 and "&lt;" not in main.split("<tbody>")[0]
    assert folded.startswith("<summary>Under the hood: nanoseconds") and folded.endswith("</details>")
    assert table.details is not None
    timings = {row[0]: row for row in table.details.rows}
    assert timings["Condition"][1] == "with cond: cond.notify()"
    assert timings["Lock"][2] == f"{overhead.cost('Lock').seconds * 1e9:,.0f} ns"
    assert "with cond: cond.notify()" in text and "Under the hood" in text


def test_table_escapes_html():
    table = Table(headers=("a",), rows=(("<b>",),))
    assert "&lt;b&gt;" in table._repr_html_()


@pytest.mark.parametrize(
    ("plot", "words"),
    [
        (synclab.plots.plot_pool, "result must be a PoolResult"),
        (synclab.plots.plot_start_gate, "result must be a GateResult"),
        (synclab.plots.plot_phases, "result must be a PhaseResult"),
        (synclab.plots.plot_overhead, "result must be an OverheadResult"),
        (synclab.plots.overhead_table, "result must be an OverheadResult"),
        (synclab.plots.plot_stop_signal, "each of results must be a StopResult"),
    ],
)
def test_wrong_results_are_refused(plot, words):
    with pytest.raises(TypeError, match=words):
        plot([42] if plot is synclab.plots.plot_stop_signal else 42)


def test_stop_plot_needs_a_result():
    with pytest.raises(ValueError, match="at least one StopResult"):
        synclab.plots.plot_stop_signal([])
