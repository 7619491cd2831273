"""Every exercise's answer table: each wrong answer fails its check, each accepted variant passes.

The tables live in ``tests/answers/ex_N_M.py``. Here each answer is judged
once; ``make answers`` judges each ten times with both cores kept busy and
prints the pass counts.
"""

from __future__ import annotations

import pytest
from answers import cases, judge, modules


@pytest.mark.parametrize("module", modules(), ids=lambda module: module.EXERCISE)
def test_every_table_is_complete(module):
    assert len(module.WRONG) >= 6, f"exercise {module.EXERCISE} needs at least 6 wrong answers"
    assert len(module.RIGHT) >= 2, f"exercise {module.EXERCISE} needs at least 2 accepted variants"
    assert "reference" in module.RIGHT
    assert module.ANSWERS, "ANSWERS names what the check cell passes"


@pytest.mark.parametrize(
    ("module", "kind", "name"),
    cases(),
    ids=[f"{module.EXERCISE}-{kind}-{name}" for module, kind, name in cases()],
)
def test_answer_gets_the_right_verdict(module, kind, name):
    result = judge(module, kind, name)
    assert "the check itself failed" not in result.message, str(result)
    if kind == "wrong":
        assert not result.passed, f"a wrong answer passes exercise {module.EXERCISE}: {result}"
        assert result.hint, "a failing check must give a hint"
    else:
        assert result.passed, f"an accepted variant fails exercise {module.EXERCISE}: {result}"
