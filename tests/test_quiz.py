"""The self-check quiz of notebook 11: one question per notebook, options shuffled per learner."""

from __future__ import annotations

from collections import Counter

import pytest

import synclab
from synclab.checks.faq import QUESTIONS, answer_question


def _shown_position_of_answer(quiz, number):
    item = QUESTIONS[number - 1]
    return quiz.order[number - 1].index(item.answer)


def test_one_question_per_notebook_from_01_to_10():
    assert len(QUESTIONS) == 10  # question n is about notebook n: a wrong answer points there (tested below)


def test_the_right_answer_is_not_always_in_the_same_place():
    places = Counter(item.answer for item in QUESTIONS)
    assert len(places) >= 3  # by design, before any shuffling
    assert max(places.values()) <= len(QUESTIONS) // 2


def test_every_question_has_one_answer_and_an_explanation_per_option():
    for number, item in enumerate(QUESTIONS, start=1):
        assert len(item.options) == len(item.explanations) >= 3
        assert len(set(item.options)) == len(item.options)
        verdicts = [answer_question(number, i).correct for i in range(len(item.options))]
        assert verdicts.count(True) == 1 and verdicts.index(True) == item.answer
        assert str(answer_question(number, item.answer)).startswith(f"Question {number}: Right.")
        for wrong in (i for i in range(len(item.options)) if i != item.answer):
            assert f"see notebook {number:02d}" in str(answer_question(number, wrong))


def test_quiz_gives_feedback_and_keeps_score():
    quiz = synclab.self_check_quiz(seed=1)
    assert len(quiz.choices) == len(QUESTIONS)
    assert f"0 of {len(QUESTIONS)}" in quiz.score.value
    quiz.buttons[0].click()
    assert "Pick one of the answers first" in quiz.feedback[0].value
    wrong = next(i for i in range(len(QUESTIONS[0].options)) if i != QUESTIONS[0].answer)
    quiz.choices[0].value = wrong
    quiz.buttons[0].click()
    assert "Not quite" in quiz.feedback[0].value and "see notebook 01" in quiz.feedback[0].value
    quiz.choices[0].value = QUESTIONS[0].answer
    quiz.buttons[0].click()
    assert "Right" in quiz.feedback[0].value
    assert f"1 of {len(QUESTIONS)}" in quiz.score.value
    quiz.choices[0].value = wrong
    quiz.check(1)
    assert f"0 of {len(QUESTIONS)}" in quiz.score.value


def test_the_options_shown_are_the_questions_options_in_the_shuffled_order():
    quiz = synclab.self_check_quiz(seed=7)
    for item, order, choice in zip(QUESTIONS, quiz.order, quiz.choices, strict=True):
        assert sorted(order) == list(range(len(item.options)))
        assert list(choice.options) == [(item.options[i], i) for i in order]


def test_picking_the_right_answer_where_it_is_shown_is_graded_right():
    quiz = synclab.self_check_quiz(seed=3)
    for number, choice in enumerate(quiz.choices, start=1):
        shown_label, value = choice.options[_shown_position_of_answer(quiz, number)]
        assert shown_label == QUESTIONS[number - 1].options[QUESTIONS[number - 1].answer]
        choice.value = value
        quiz.check(number)
        assert "Right" in quiz.feedback[number - 1].value
    assert f"{len(QUESTIONS)} of {len(QUESTIONS)}" in quiz.score.value


def test_the_same_seed_gives_the_same_order_and_other_seeds_move_the_answer():
    assert synclab.self_check_quiz(seed=42).order == synclab.self_check_quiz(seed=42).order
    quizzes = [synclab.self_check_quiz(seed=seed) for seed in range(60)]  # built once: each makes many widgets
    for number, item in enumerate(QUESTIONS, start=1):
        places = {_shown_position_of_answer(quiz, number) for quiz in quizzes}
        assert places == set(range(len(item.options))), f"question {number} never shown in some places"


def test_without_a_seed_learners_get_different_orders():
    orders = {tuple(map(tuple, synclab.self_check_quiz().order)) for _ in range(5)}
    assert len(orders) > 1  # 5 quizzes of 10 shuffled questions: all equal by chance has odds below 1e-60


@pytest.mark.parametrize(
    ("seed", "error", "match"),
    [
        (-1, ValueError, "seed must be between 0 and"),
        (2**32, ValueError, "seed must be between 0 and"),
        ("1", TypeError, "seed must be an integer"),
        (1.5, TypeError, "seed must be an integer"),
        (True, TypeError, "seed must be an integer"),
    ],
)
def test_quiz_bad_seed(seed, error, match):
    with pytest.raises(error, match=match):
        synclab.self_check_quiz(seed=seed)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0, 0), ValueError, "question must be between 1 and 10"),
        ((11, 0), ValueError, "question must be between 1 and 10"),
        ((1, 9), ValueError, "choice must be between 0 and 3, got 9"),
        (("1", 0), TypeError, "question must be an integer"),
        ((1, None), TypeError, "choice must be an integer"),
    ],
)
def test_answer_question_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        answer_question(*args)
