"""The self-check quiz that closes notebook 11."""

from __future__ import annotations

import html
import random

import ipywidgets as widgets

from synclab._validate import check_int
from synclab.checks.faq import QUESTIONS, answer_question


class SelfCheckQuiz:
    """One block per question: the options, shuffled (the same order for the same ``seed``) so the right
    answer is not always in one place, a Check button and the feedback. A choice's ``value`` is the option's
    index in :data:`~synclab.checks.faq.QUESTIONS`, whatever its place."""

    def __init__(self, seed: int | None = None) -> None:
        shuffler = random.Random(seed)
        self.order: list[list[int]] = []
        self.choices: list[widgets.RadioButtons] = []
        self.buttons: list[widgets.Button] = []
        self.feedback: list[widgets.HTML] = []
        self._right: dict[int, bool] = {}  # question number: whether its last checked answer was right
        self.score = widgets.HTML(self._score_text())
        rows: list[widgets.Widget] = []  # one flat column: fewer widgets for the browser to draw
        for number, item in enumerate(QUESTIONS, start=1):
            order = list(range(len(item.options)))
            shuffler.shuffle(order)
            self.order.append(order)
            choice = widgets.RadioButtons(
                options=[(item.options[index], index) for index in order], value=None, layout={"width": "auto"}
            )
            button = widgets.Button(
                description="Check", icon="check", tooltip=f"Check your answer to question {number}"
            )
            note = widgets.HTML("<i>Pick an answer, then press Check.</i>")
            button.on_click(lambda _button, number=number: self.check(number))
            self.choices.append(choice)
            self.buttons.append(button)
            self.feedback.append(note)
            rows += [widgets.HTML(f"<b>{number}. {html.escape(item.prompt)}</b>"), choice, button, note]
        self.widget = widgets.VBox([*rows, self.score])

    def _score_text(self) -> str:
        return f"<b>{sum(self._right.values())} of {len(QUESTIONS)} answered right so far.</b>"

    def check(self, number: int) -> None:
        """Grade question ``number`` (from 1) and show the feedback."""
        choice = self.choices[number - 1].value
        if choice is None:
            self.feedback[number - 1].value = "<span style='color:#D55E00'>Pick one of the answers first.</span>"
            return
        verdict = answer_question(number, choice)
        self.feedback[number - 1].value = verdict._repr_html_()
        self._right[number] = verdict.correct
        self.score.value = self._score_text()

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)


def self_check_quiz(seed: int | None = None) -> SelfCheckQuiz:
    """The closing quiz: one question per notebook; pick an answer, press Check, read why.

    ``seed`` (0 to 2**32 - 1) fixes the shuffled order of the options; ``None`` shuffles them anew.
    """
    if seed is not None:
        seed = check_int("seed", seed, 0, 2**32 - 1)
    return SelfCheckQuiz(seed)
