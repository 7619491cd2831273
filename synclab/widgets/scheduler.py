"""The scheduler lab of notebook 09: you pick which thread runs its next step.

The model is deterministic and starts no threads: each click replaces the run with a new,
immutable one, and the lab redraws a few HTML panes from it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from itertools import groupby

import ipywidgets as widgets

from synclab._validate import check_bool, check_choice
from synclab.plots._style import thread_colour
from synclab.scheduler.explore import Ending, Exploration
from synclab.scheduler.library import CHALLENGES, Challenge
from synclab.scheduler.model import CRASHED, DONE, NOTIFIED, WAITING, Scenario
from synclab.scheduler.run import Run, StepError
from synclab.widgets._base import label_style

__all__ = ["SchedulerLab", "scheduler_lab"]

_CUSTOM = "your scenario"
_WIN, _WARN, _MUTED = "#009E73", "#D55E00", "#555555"


class SchedulerLab:
    """Step threads one at a time, with undo, reset, challenges and the replay of a schedule (``plan``)."""

    def __init__(self, start: Challenge | Scenario, plan: Sequence[str] = (), *, picker: bool = True) -> None:
        self._custom = start if isinstance(start, Scenario) else None
        options = [(c.title, key) for key, c in CHALLENGES.items()]
        if self._custom is not None:
            options.insert(0, (f"Your scenario: {self._custom.title or 'untitled'}", _CUSTOM))
        self.picker = widgets.Dropdown(
            options=options, description="challenge", style=label_style(), layout=widgets.Layout(width="28em")
        )
        self.picker.value = start.key if isinstance(start, Challenge) else _CUSTOM
        self.goal = widgets.HTML()
        self.hint_button = widgets.ToggleButton(
            description="Show hint", icon="lightbulb-o", value=False, tooltip="Show a hint for this challenge"
        )
        self.hint = widgets.HTML()
        self.undo_button = widgets.Button(description="Undo", icon="undo", tooltip="Go back one step")
        self.reset_button = widgets.Button(description="Reset", icon="refresh", tooltip="Back to the start")
        self.replay_button = widgets.Button(
            description="Replay next", icon="play", tooltip="Run the next step of the schedule being replayed"
        )
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2.5em"))
        self.shared_view = widgets.HTML()
        self.history = widgets.HTML()
        self.threads_box = widgets.HBox(layout=widgets.Layout(flex_flow="row wrap"))

        self.undo_button.on_click(lambda _b: self.undo())
        self.reset_button.on_click(lambda _b: self.reset())
        self.replay_button.on_click(lambda _b: self.replay_next())
        self.hint_button.observe(lambda _c: self._render(), names="value")
        self.picker.observe(self._on_pick, names="value")
        header = widgets.HTML(
            "<b>Scheduler lab: you decide which thread runs next</b><br>"
            "Click a thread's button to run its next step. Blocked and waiting threads cannot run. "
            "Nothing here is a real thread: every step is deterministic, so undo and replay are exact."
        )
        controls = widgets.HBox([self.undo_button, self.reset_button, self.replay_button, self.hint_button])
        panes = [header, self.picker, self.goal, self.hint, self.threads_box, self.shared_view, controls, self.status]
        self.widget = widgets.VBox([*panes, self.history])
        self.widget.add_class("synclab-scheduler")
        if not picker:
            self.picker.layout.display = "none"
        self._load(start)
        if plan:
            self.load_schedule(plan)

    def _on_pick(self, change: dict[str, object]) -> None:
        key = change["new"]
        self._load(self._custom if key == _CUSTOM else CHALLENGES[str(key)])  # type: ignore[arg-type]

    def _load(self, start: Challenge | Scenario) -> None:
        self.challenge = start if isinstance(start, Challenge) else None
        scenario = start.scenario if isinstance(start, Challenge) else start
        self.run: Run = scenario.start()
        self.plan: tuple[str, ...] = ()
        self.step_buttons: dict[str, widgets.Button] = {}
        self.thread_views: dict[str, widgets.HTML] = {}
        columns = []
        for name in scenario.threads:
            button = widgets.Button(
                description=f"Step {name}", tooltip=f"Run the next step of {name}", layout=widgets.Layout(width="10em")
            )
            button.style.button_color = thread_colour(name) + "55"
            button.on_click(lambda _b, name=name: self.step(name))
            view = widgets.HTML()
            self.step_buttons[name], self.thread_views[name] = button, view
            columns.append(widgets.VBox([view, button], layout=widgets.Layout(margin="0 1.5em 0.5em 0")))
        self.threads_box.children = tuple(columns)
        self.hint_button.value = False  # after the panes are rebuilt: it redraws them
        self.status.value = ""
        self._render()

    def load_schedule(self, schedule: Sequence[str] | Ending) -> None:
        """Reset and get ready to replay ``schedule`` (thread names, or an ``Ending``) with the replay button."""
        self.plan = _check_schedule(self.run.scenario, schedule)
        self.run = self.run.reset()
        self.status.value = f"Ready to replay a schedule of {len(self.plan)} steps: click <i>Replay next</i>."
        self._render()

    def step(self, thread: str) -> bool:
        """Run the next step of ``thread``, as its button does; if it cannot, the status line says why."""
        try:
            self.run = self.run.step(thread)
        except StepError as exc:
            self.status.value = f"<span style='color:{_WARN}'>⚠ {html.escape(str(exc))}</span>"
            self._render(keep_status=True)
            return False
        self._render()
        return True

    def undo(self) -> None:
        """Go back one step."""
        if not self.run.schedule:
            self.status.value = f"<span style='color:{_MUTED}'>Nothing to undo: no step has run yet.</span>"
            return
        self.run = self.run.undo()
        self._render()
        self.status.value = f"Undone. {self.status.value}"

    def reset(self) -> None:
        """Back to the start (a schedule being replayed stays loaded)."""
        self.run = self.run.reset()
        self._render()
        self.status.value = "Back to the start."

    def replay_next(self) -> bool:
        """Run the next step of the schedule being replayed, if the steps so far follow it."""
        position = len(self.run.schedule)
        if not self._on_plan() or position >= len(self.plan):
            self._render()
            return False
        return self.step(self.plan[position])

    def _on_plan(self) -> bool:
        return bool(self.plan) and self.plan[: len(self.run.schedule)] == self.run.schedule

    @property
    def won(self) -> bool:
        return self.challenge is not None and self.challenge.won(self.run)

    def _render(self, keep_status: bool = False) -> None:
        run, scenario, state = self.run, self.run.scenario, self.run.state
        challenge = self.challenge
        if challenge is None:
            self.goal.value = f"<b>{html.escape(scenario.title or 'Your scenario')}</b>"
        else:
            plays = f"<i>(plays {html.escape(challenge.plays)})</i>"
            self.goal.value = f"<b>{html.escape(challenge.title)}</b> {plays}. {html.escape(challenge.goal)}"
        self.hint.value = f"<i>Hint: {html.escape(challenge.hint)}</i>" if challenge and self.hint_button.value else ""
        self.hint_button.disabled = challenge is None
        for i, name in enumerate(scenario.threads):
            self.thread_views[name].value = self._thread_html(i)
            button = self.step_buttons[name]
            reason = scenario.why_not(state, i)
            button.disabled = bool(reason)
            button.tooltip = reason or f"Run: {scenario.next_text(state, i)}"
        self.shared_view.value = self._shared_html()
        self.undo_button.disabled = not run.schedule
        position = len(run.schedule)
        can_replay = self._on_plan() and position < len(self.plan)
        self.replay_button.disabled = not can_replay
        next_one = f"Replay {position + 1}/{len(self.plan)}: {self.plan[position]}" if can_replay else "Replay next"
        self.replay_button.description = next_one
        shown = " ".join(run.schedule) if run.schedule else "(no step yet)"
        left = self.plan and not self._on_plan()
        plan_note = " <i>(you have left the schedule being replayed: undo or reset to follow it)</i>" if left else ""
        self.history.value = (
            f"<span style='color:{_MUTED}'>Schedule so far ({position} steps): "
            f"<code>{html.escape(shown)}</code>{plan_note}</span>"
        )
        if not keep_status:
            self.status.value = self._status_html()

    def _status_html(self) -> str:
        run = self.run
        last = html.escape(run.events[-1]) if run.events else "Pick a thread to run its first step."
        if self.won:
            met = f"<b style='color:{_WIN}'>✔ Goal met in {len(run.schedule)} steps!</b>"
            return f"{last}<br>{met} {html.escape(self.challenge.win_message)}"  # type: ignore[union-attr]
        problems = run.problems()
        if problems:
            text = "; ".join(p.text for p in problems)
            return f"{last}<br><span style='color:{_WARN}'>⚠ {html.escape(text)}</span>"
        if run.finished:
            return (
                f"{last}<br>Every thread has finished: {html.escape(run.scenario.summary(run.state))}. "
                "Undo or reset to try another schedule."
            )
        return last

    def _thread_html(self, i: int) -> str:
        scenario, state = self.run.scenario, self.run.state
        name, program = scenario.threads[i], scenario.programs[i]
        status = state.status[i]
        current = None if status == DONE else program.steps[state.pcs[i]].line
        background = "#F9D4C0" if status == CRASHED else "#FFF1B8"
        rows = [f"{number:>2}  {html.escape(line)}" for number, line in enumerate(program.lines, start=1)]
        rows = [
            f"<span style='background:{background};font-weight:bold'>➜{row}</span>" if n == current else f" {row}"
            for n, row in enumerate(rows, start=1)
        ]
        nxt = scenario.next_text(state, i)
        where = ""
        if current is not None and status not in (CRASHED, WAITING, NOTIFIED):
            # the run of consecutive steps on this line that holds the next one
            same_line = [list(ks) for _, ks in groupby(range(len(program.steps)), lambda k: program.steps[k].line)]
            ks = next(ks for ks in same_line if state.pcs[i] in ks)
            if len(ks) > 1:
                where = f" (step {ks.index(state.pcs[i]) + 1} of {len(ks)} on this line)"
        colour = _MUTED if status == DONE else _WARN if scenario.why_not(state, i) else "#000000"
        status_text = scenario.status_text(state, i)
        pairs = zip(program.locals, state.locals[i], strict=True)
        known = [f"{html.escape(n)} = {v!r}" for n, v in pairs if v is not None]
        return (
            f"<div style='border-top:5px solid {thread_colour(name)};padding:2px 4px;min-width:15em'>"
            f"<b>{html.escape(name)}</b> <span style='color:{colour}'>{html.escape(status_text)}</span>"
            f"<pre style='margin:2px 0;line-height:1.35'>{chr(10).join(rows)}</pre>"
            + (f"next: <code>{html.escape(nxt)}</code>{where}<br>" if nxt else "")
            + f"<span style='color:{_MUTED}'>locals: {', '.join(known) or 'none yet'}</span></div>"
        )

    def _shared_html(self) -> str:
        scenario, state = self.run.scenario, self.run.state
        cells = []
        for k, var in enumerate(scenario.variables):
            value = state.values[k]
            shown = f"{value} item{'s' if value != 1 else ''}" if var in scenario.buffers else repr(value)
            cells.append(f"<code>{html.escape(var)}</code> = <b>{html.escape(shown)}</b>")
        for k, lock in enumerate(scenario.locks):
            holder = state.holders[k]
            waiting = [scenario.threads[i] for i in range(len(scenario.threads)) if scenario.blocked_on(state, i) == k]
            text = "free" if holder is None else f"held by <b>{scenario.threads[holder]}</b>"
            cells.append(
                f"lock <code>{html.escape(lock)}</code> {text}"
                + (f", blocked: {', '.join(waiting)}" if waiting else "")
            )
        for k, cond in enumerate(scenario.conditions):
            waiting = [scenario.threads[i] for i in state.waiters[k]]
            cells.append(f"condition <code>{html.escape(cond)}</code> waiting: {', '.join(waiting) or 'nobody'}")
        return "<div style='padding:4px 0'>Shared: " + " &nbsp;|&nbsp; ".join(cells) + "</div>"

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)


def _check_schedule(scenario: Scenario, schedule: object) -> tuple[str, ...]:
    if isinstance(schedule, Ending):
        schedule = schedule.example
    if isinstance(schedule, str) or not isinstance(schedule, Sequence):
        raise TypeError(f"schedule must be a list of thread names like ['T1', 'T2'], got {schedule!r}")
    plan = tuple(schedule)
    run = scenario.start()
    for position, thread in enumerate(plan, start=1):
        try:
            run = run.step(thread)  # type: ignore[arg-type]
        except (StepError, TypeError, ValueError) as exc:
            raise ValueError(f"schedule step {position} cannot run: {exc}") from None
    return plan


def scheduler_lab(
    start: str | Challenge | Scenario | Exploration = "lost update",
    schedule: Sequence[str] | Ending | None = None,
    *,
    picker: bool = True,
) -> SchedulerLab:
    """A lab where you are the scheduler.

    ``start`` is a challenge's name, a scenario of your own or an exploration (its scenario);
    ``schedule`` (thread names, or an ending from :func:`~synclab.explore`) is replayed step by
    step. ``picker=False`` plays ``start`` only, as notebook 01 does before the learner has met locks.
    """
    if isinstance(start, Exploration):
        start = start.scenario
    if isinstance(start, str):
        start = CHALLENGES[check_choice("start", start, CHALLENGES)]
    if not isinstance(start, (Challenge, Scenario)):
        raise TypeError(f"start must be a challenge name, a Scenario or an Exploration, got {type(start).__name__}")
    picker = check_bool("picker", picker)
    scenario = start.scenario if isinstance(start, Challenge) else start
    plan = () if schedule is None else _check_schedule(scenario, schedule)
    return SchedulerLab(start, plan, picker=picker)
