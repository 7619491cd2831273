"""Match the model's load, add and store with the real bytecode of ``counter += 1``.

The instruction names differ between CPython versions (``INPLACE_ADD`` on 3.10, ``BINARY_OP``
from 3.11, ``LOAD_SMALL_INT`` and ``LOAD_FAST_BORROW`` in 3.14, combined instructions such as
``STORE_FAST_LOAD_FAST`` from 3.13), but on every version the line has the same three parts, so
the notebook can print a fact that holds on every version.
"""

from __future__ import annotations

import dis
import re
from dataclasses import dataclass

__all__ = ["BytecodeGroup", "increment_bytecode"]

# Prefixes: LOAD_FAST_BORROW (3.14) and LOAD_FAST_CHECK are loads too.
_LOADS = ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_FAST", "LOAD_DEREF")
_STORES = ("STORE_GLOBAL", "STORE_NAME", "STORE_FAST", "STORE_DEREF")
_ADDS = ("BINARY_OP", "INPLACE_ADD", "BINARY_ADD")


def _steps(ins: dis.Instruction, name: str) -> list[str]:
    """``"load"`` or ``"store"`` for each part of ``ins`` on ``name`` (3.13+ combined instructions have two)."""
    names = ins.argval if isinstance(ins.argval, tuple) else (ins.argval,)
    parts = re.findall(r"(?:LOAD|STORE)_FAST(?:_BORROW)?", ins.opname) if len(names) > 1 else [ins.opname]
    return [
        "load" if part.startswith(_LOADS) else "store"
        for part, variable in zip(parts, names, strict=False)
        if variable == name and part.startswith(_LOADS + _STORES)
    ]


@dataclass(frozen=True, slots=True)
class BytecodeGroup:
    """The instructions (as ``dis`` names them here) that do one model step: ``"load"``, ``"add"`` or ``"store"``."""

    kind: str
    instructions: tuple[str, ...]


def _increment() -> None:
    global counter
    counter += 1  # type: ignore[name-defined]  # noqa: F821


counter = 0


def increment_bytecode(function: object = _increment, name: str = "counter") -> tuple[BytecodeGroup, ...]:
    """Group the instructions of ``name += 1`` in ``function`` as load, add, store (leaving out ``RESUME``...)."""
    try:
        instructions = list(dis.get_instructions(function))  # type: ignore[arg-type]
    except TypeError as exc:
        raise TypeError(f"function must be a Python function, got {type(function).__name__}") from exc
    groups: list[BytecodeGroup] = []
    pending: list[str] = []
    for ins in instructions:
        # 3.14's LOAD_SMALL_INT has an argument but no argrepr: show the value it pushes.
        shown = f"{ins.opname} {ins.argrepr or ('' if ins.arg is None else ins.argval)}".strip()
        steps = _steps(ins, name)
        for step in steps:
            groups.append(BytecodeGroup(step, (shown,)))
            pending = []
        if steps or not groups or groups[-1].kind != "load":
            continue
        if ins.opname in _ADDS:
            groups.append(BytecodeGroup("add", (*pending, shown)))
            pending = []
        else:
            pending.append(shown)
    return tuple(groups)
