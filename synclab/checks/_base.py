"""How exercise checks run learner code and report back.

A check never raises because of the learner's code and never hangs: the code
runs in threads joined against a deadline, any exception it raises is turned
into feedback, and the verdict is a :class:`CheckResult` that shows as a green
or red box in the notebook (and as one line of text elsewhere).
"""

from __future__ import annotations

import html
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from synclab._threads import WorkersStuck, run_workers

__all__ = ["CheckResult", "ExerciseError", "run_in_threads"]


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The verdict on one exercise.

    Attributes:
        exercise: The exercise number, like ``"2.1"``.
        passed: Whether the answer is right.
        message: What the check saw.
        hint: What to try next (empty when passed).
    """

    exercise: str
    passed: bool
    message: str
    hint: str = ""

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        if self.passed:
            return f"PASSED exercise {self.exercise}: {self.message}"
        return f"NOT YET exercise {self.exercise}: {self.message}" + (f" Hint: {self.hint}" if self.hint else "")

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        colour, mark, verdict = ("#009E73", "✔", "Passed") if self.passed else ("#D55E00", "✘", "Not yet")
        hint = f"<br><b>Hint:</b> {html.escape(self.hint)}" if self.hint else ""
        return (
            f"<div style='border-left:6px solid {colour};padding:6px 10px;margin:4px 0'>"
            f"<b style='color:{colour}'>{mark} {verdict}: exercise {html.escape(self.exercise)}</b><br>"
            f"{html.escape(self.message)}{hint}</div>"
        )


class ExerciseError(Exception):
    """The learner's code raised, hung or did not finish; the message says which."""


def run_in_threads(
    target: Callable[..., Any],
    args_per_thread: list[tuple[Any, ...]],
    *,
    timeout: float = 5.0,
) -> None:
    """Run ``target(*args)`` in one thread per ``args`` entry, started together.

    Args:
        target: The learner's function.
        args_per_thread: The arguments for each thread.
        timeout: Seconds all threads together may take.

    Raises:
        ExerciseError: The function raised, or did not finish within ``timeout``
            (its threads are left as daemon threads, which cannot be killed).
    """
    stop = threading.Event()
    workers = [lambda args=args: target(*args) for args in args_per_thread]
    try:
        run_workers(
            workers,
            names=[f"T{i}" for i in range(1, len(workers) + 1)],
            timeout=timeout,
            stop=stop,
            what="your function",
        )
    except (TimeoutError, WorkersStuck) as exc:
        raise ExerciseError(
            f"your function did not finish within {timeout:g} s in {len(workers)} threads: "
            "is a thread waiting for a lock that is never released? Restart the kernel to clear stuck threads."
        ) from exc
    except Exception as exc:
        raise ExerciseError(describe_exception(exc)) from exc


def describe_exception(exc: BaseException) -> str:
    """``"your function raised NameError: name 'x' is not defined"``."""
    last = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return f"your function raised {last}"
