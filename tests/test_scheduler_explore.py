"""The schedule explorer: exact counts, the required 20/18, endings with replayable examples."""

from __future__ import annotations

import sys
from collections import Counter
from itertools import permutations
from pathlib import Path

import pytest

import synclab
from synclab.scheduler import (
    CHALLENGES,
    ExplorationLimit,
    counter_scenario,
    explore,
    increment_bytecode,
    interleavings,
    scenario,
    schedules,
    sweep_schedules,
)
from synclab.scheduler.library import (
    CHECK_THEN_CLAIM,
    TRANSFER_A_TO_B,
    WHILE_CONSUMER,
    deadlock_scenario,
    if_consumer_scenario,
    insufficient_lock_scenario,
)


def brute_force(sc):
    """Every schedule, by listing them one at a time (no memoisation)."""
    listed = list(schedules(sc))
    return len(listed), sum(ending.bad for _, ending in listed), listed


# -- the counts the issue asks for -------------------------------------------------------------


def test_two_increments_have_20_schedules_and_18_lose_an_update():
    result = synclab.explore(counter_scenario(2, 1))
    assert (result.schedules, result.bad) == (20, 18)
    good, bad = result.endings
    assert (good.bad, good.description, good.schedules) == (False, "counter = 2", 2)
    assert (bad.bad, bad.description, bad.schedules) == (True, "counter = 1, expected 2", 18)


def test_the_20_schedules_are_exactly_the_orders_of_two_threads_three_steps_each():
    total, bad, listed = brute_force(counter_scenario(2, 1))
    names = [s for s, _ in listed]
    every_order = set(permutations(["T1"] * 3 + ["T2"] * 3))
    assert total == 20 and bad == 18
    assert set(names) == every_order and len(names) == len(every_order)
    good = sorted(s for s, ending in listed if not ending.bad)
    assert good == [("T1",) * 3 + ("T2",) * 3, ("T2",) * 3 + ("T1",) * 3]


def test_with_a_lock_no_schedule_loses_an_update():
    result = explore(counter_scenario(2, 1, use_lock=True))
    assert (result.schedules, result.bad) == (2, 0)
    # more threads and increments: still none
    result = explore(counter_scenario(3, 2, use_lock=True))
    assert result.bad == 0 and result.schedules == 90  # 6! / (2! 2! 2!) orders of whole increments


@pytest.mark.parametrize(("threads", "increments"), [(1, 1), (1, 3), (2, 2), (3, 1), (2, 3), (4, 1)])
def test_memoised_counts_are_the_number_of_interleavings(threads, increments):
    result = explore(counter_scenario(threads, increments))
    assert result.schedules == interleavings(threads, 3 * increments)
    assert sum(e.schedules for e in result.endings) == result.schedules


def test_interleavings_formula():
    assert interleavings(2, 3) == 20
    assert interleavings(3, 3) == 1680
    assert interleavings(1, 7) == 1


@pytest.mark.parametrize(
    "sc",
    [
        counter_scenario(2, 2),
        counter_scenario(3, 1),
        counter_scenario(2, 2, use_lock=True),
        insufficient_lock_scenario(),
        deadlock_scenario(),
        if_consumer_scenario(),
        if_consumer_scenario(WHILE_CONSUMER),
    ],
    ids=lambda sc: sc.title,
)
def test_explore_agrees_with_listing_every_schedule(sc):
    total, bad, listed = brute_force(sc)
    result = explore(sc)
    assert (result.schedules, result.bad) == (total, bad)
    by_description = Counter(ending.description for _, ending in listed)
    assert {e.description: e.schedules for e in result.endings} == dict(by_description)


def test_every_example_replays_to_its_ending():
    for sc in (counter_scenario(2, 2), insufficient_lock_scenario(), deadlock_scenario(), if_consumer_scenario()):
        for ending in explore(sc).endings:
            run = sc.start().steps(*ending.example)
            assert run.finished
            texts = [p.text for p in run.problems()]
            assert bool(texts) == ending.bad
            assert ("; ".join(texts) if ending.bad else sc.summary(run.state)) == ending.description


def test_the_challenge_scenarios_end_badly_only_on_some_schedules():
    found = {key: explore(c.scenario) for key, c in CHALLENGES.items()}
    assert {k: (r.schedules, r.bad) for k, r in found.items()} == {
        "lost update": (20, 18),
        "insufficient lock": (270, 100),
        "deadlock": (6, 2),
        "if instead of while": (24, 2),
    }
    assert found["deadlock"].bad_endings[0].description.startswith("deadlock: T1 waits for lock_b, held by T2")
    assert {e.description for e in found["if instead of while"].bad_endings} == {
        "C1 crashed: IndexError: pop from empty list",
        "C2 crashed: IndexError: pop from empty list",
    }


def test_the_fixes_end_well_on_every_schedule():
    one_claim = (
        "with lock:\n    seen = busy\n    if not seen:\n        busy = True\nif not seen:\n    critical_section()"
    )
    ordered = TRANSFER_A_TO_B.replace("a -= 1\n        b += 1", "b -= 1\n        a += 1")
    for sc in (insufficient_lock_scenario(one_claim), deadlock_scenario(ordered), if_consumer_scenario(WHILE_CONSUMER)):
        result = explore(sc)
        assert result.bad == 0 and result.schedules > 1, sc.title
    assert explore(insufficient_lock_scenario(CHECK_THEN_CLAIM)).bad > 0


def test_every_challenge_can_be_won_by_replaying_a_bad_schedule():
    for challenge in CHALLENGES.values():
        assert not challenge.won(challenge.scenario.start())
        winning = [e for e in explore(challenge.scenario).bad_endings]
        run = challenge.scenario.start().steps(*winning[0].example)
        assert challenge.won(run), challenge.key


def test_every_challenge_names_the_notebook_whose_topic_it_plays():
    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    plays = {key: challenge.notebook for key, challenge in CHALLENGES.items()}
    assert plays == {
        "lost update": "01-race-conditions.ipynb",
        "insufficient lock": "03-critical-sections-and-lock-scope.ipynb",
        "deadlock": "07-deadlock-and-lock-ordering.ipynb",
        "if instead of while": "05-condition-variables.ipynb",
    }
    for challenge in CHALLENGES.values():
        assert (notebooks / challenge.notebook).is_file(), challenge.notebook
    assert CHALLENGES["insufficient lock"].plays == "notebook 03 (critical sections and lock scope)"


def test_exploration_prints_counts_and_examples():
    text = str(explore(counter_scenario(2, 1)))
    assert text.splitlines()[0] == "2 threads x 1 increment: 20 schedules, 18 end badly"
    assert "BAD       18 x counter = 1, expected 2   e.g. " in text


# -- limits and bad input ------------------------------------------------------------------------------


def test_the_state_cap_stops_a_large_exploration_with_a_clear_error():
    with pytest.raises(ExplorationLimit, match="more than 100 distinct states"):
        explore(counter_scenario(3, 2), max_states=100)


def test_a_loop_that_can_spin_forever_is_reported_not_explored_forever():
    sc = scenario(["while busy:\n    pass", "busy = False"], shared={"busy": True})
    with pytest.raises(ExplorationLimit, match="loop forever") as caught:
        explore(sc)
    # the schedule to the state that comes back, and the steps that bring it back
    # T1's test comes straight back to the initial state
    assert (caught.value.kind, caught.value.schedule, caught.value.loop) == ("loop", (), ("T1",))
    run = sc.start().steps(*caught.value.schedule)
    assert run.steps(*caught.value.loop).state == run.state


def test_the_cap_is_told_apart_from_a_loop():
    with pytest.raises(ExplorationLimit) as caught:
        explore(counter_scenario(3, 2), max_states=100)
    assert (caught.value.kind, caught.value.schedule, caught.value.loop) == ("states", (), ())


def test_observe_sees_every_distinct_state_once():
    seen = []
    result = explore(counter_scenario(2, 1), observe=seen.append)
    assert len(seen) == len(set(seen)) == result.states and seen[0] == counter_scenario(2, 1).initial_state()
    with pytest.raises(TypeError, match="observe must be a function"):
        explore(counter_scenario(), observe=3)  # type: ignore[arg-type]


def test_explore_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    explore(counter_scenario(2, 1))
    assert gc.isenabled()
    gc.disable()
    try:
        explore(counter_scenario(2, 1))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bad_explorer_arguments():
    with pytest.raises(TypeError, match="scenario must be a Scenario"):
        explore("counter += 1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_states must be between 1 and 2,000,000, got 0"):
        explore(counter_scenario(), max_states=0)
    with pytest.raises(TypeError, match="max_states must be an integer"):
        explore(counter_scenario(), max_states=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="threads must be between 1 and 8, got 0"):
        counter_scenario(0)
    with pytest.raises(TypeError, match="increments must be an integer"):
        counter_scenario(2, "3")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="scenario must be a Scenario"):
        next(schedules("counter += 1"))  # type: ignore[arg-type]


# -- the sweep behind the plot ------------------------------------------------------------------------------


def test_sweep_counts_and_cap():
    sweep = sweep_schedules(threads=(1, 2, 3, 4), increments=(1, 2))
    by = {(p.threads, p.increments): p for p in sweep.points}
    assert (by[2, 1].schedules, by[2, 1].bad) == (20, 18)
    assert by[1, 2].bad == 0 and by[1, 2].schedules == 1
    assert by[3, 1].bad_share == pytest.approx(1674 / 1680)
    skipped = by[4, 2]  # over the cap of 10,000 states
    assert not skipped.explored and skipped.bad is None and skipped.bad_share is None
    assert skipped.schedules == interleavings(4, 6)  # counted by formula, not explored
    assert sweep.skipped == (skipped,)
    # the share of bad schedules grows with threads and with increments
    assert by[2, 1].bad_share < by[3, 1].bad_share
    assert by[2, 1].bad_share < by[2, 2].bad_share


def test_sweep_with_a_lock_never_loses():
    sweep = sweep_schedules(threads=(2, 3), increments=(1, 2), use_lock=True)
    assert all(p.explored and p.bad == 0 for p in sweep.points)


def test_bad_sweep_arguments():
    with pytest.raises(ValueError, match="threads must list at least one value"):
        sweep_schedules(threads=())
    with pytest.raises(TypeError, match="threads must be a list of integers"):
        sweep_schedules(threads="12")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="increments must be between 1 and 20, got 0"):
        sweep_schedules(increments=(0,))
    with pytest.raises(TypeError, match="use_lock must be True or False"):
        sweep_schedules(use_lock=1)  # type: ignore[arg-type]


# -- the real bytecode ---------------------------------------------------------------------------------------


def test_the_real_bytecode_is_a_load_an_add_and_a_store():
    groups = increment_bytecode()
    assert [g.kind for g in groups] == ["load", "add", "store"]
    assert groups[0].instructions == ("LOAD_GLOBAL counter",)
    assert groups[2].instructions == ("STORE_GLOBAL counter",)
    add = groups[1].instructions[-1]
    assert add.startswith("INPLACE_ADD" if sys.version_info < (3, 11) else "BINARY_OP")
    model = [s.kind for s in counter_scenario(1, 1).programs[0].steps]
    assert model == ["load", "compute", "store"]


def test_bytecode_groups_combined_and_borrowing_instructions():
    """One line compiles to STORE_FAST_LOAD_FAST (3.13+) and LOAD_FAST_BORROW (3.14+) on newer versions."""

    def one_line(y):
        x = y; x += 1; return x  # noqa: E702  # fmt: skip

    def closure():
        counter = 0

        def inner():
            nonlocal counter
            counter += 1

        return inner

    assert [g.kind for g in increment_bytecode(one_line, "x")] == ["store", "load", "add", "store", "load"]
    assert [g.kind for g in increment_bytecode(closure(), "counter")] == ["load", "add", "store"]
    add = increment_bytecode()[1].instructions
    assert add[0] in ("LOAD_CONST 1", "LOAD_SMALL_INT 1") and add[1] in ("INPLACE_ADD", "BINARY_OP +="), add


def test_bytecode_of_a_local_increment_and_bad_input():
    def local():
        x = 0
        x += 1

    assert [g.kind for g in increment_bytecode(local, "x")] == ["store", "load", "add", "store"]
    with pytest.raises(TypeError, match="function must be a Python function"):
        increment_bytecode(42)
