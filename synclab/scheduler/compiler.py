"""Turn a few lines of Python (the subset in ``_ALLOWED``) into the steps a thread takes in the model.

Names the scenario declares are shared; any other name is a local of the thread.
"""

from __future__ import annotations

import ast
import textwrap
from collections import defaultdict

from synclab.scheduler.model import Scenario
from synclab.scheduler.program import CONST, LOCAL, LOCKED, MAX_STEPS, OPERATORS, SHARED, Operand, Program, Step

__all__ = ["compile_program", "dedent"]

#: The hidden local that holds a value between its load and its store (Python's evaluation stack).
STACK = "(stack)"

#: The ast operators the model knows, with their symbols (in the order of OPERATORS).
_SYMBOLS = dict(zip((ast.Add, ast.Sub, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE), OPERATORS, strict=False))

_ALLOWED = (
    "counter += 1, tmp = counter, counter = tmp, with lock:, lock.acquire(), lock.release(), "
    "cond.wait(), cond.wait_for(lambda: test), cond.notify(), buffer.append(x), buffer.pop(), "
    "if/while with a simple test, lock.locked(), critical_section(), pass"
)


def _locked_owner(node: ast.AST) -> str | None:
    """``lock`` if ``node`` is ``lock.locked(...)``."""
    is_locked = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "locked"
    return node.func.value.id if is_locked and isinstance(node.func.value, ast.Name) else None  # type: ignore[union-attr]


class _Compiler:
    def __init__(self, thread: str, names: Scenario) -> None:
        self.thread = thread
        self.names = names
        self.kinds: dict[str, str] = defaultdict(lambda: "local")  # any name not declared is a local
        self.kinds |= dict.fromkeys(names.locks, "lock") | dict.fromkeys(names.conditions, "condition")
        self.kinds.update((name, "buffer" if name in names.buffers else "variable") for name in names.variables)
        # the lock each lock or condition name takes (a condition made without a lock has its own, named like it)
        self.lock_of = {name: k for k, name in enumerate(names.locks)}
        self.lock_of.update(zip(names.conditions, names.condition_locks, strict=True))
        self.steps: list[dict] = []  # the fields of each Step, in order
        self.jumps = 0  # the ends of loops and if-blocks, counted against MAX_STEPS too
        self.locals: dict[str, int] = {}  # index of each local, in the order they are given a value
        self.with_locks: list[int] = []

    def error(self, node: ast.AST, message: str) -> ValueError:
        return ValueError(f"thread {self.thread}, line {getattr(node, 'lineno', 0)}: {message}")

    def unsupported(self, node: ast.AST) -> ValueError:
        code = ast.unparse(node).splitlines()[0]
        return self.error(node, f"the model cannot run {code!r}; it understands: {_ALLOWED}")

    def local(self, name: str) -> int:
        return self.locals.setdefault(name, len(self.locals))

    def operand(self, node: ast.expr, *, bare_buffer: bool = False) -> Operand:
        """A constant, a local, a shared variable or ``len(buffer)``; with ``bare_buffer``, a buffer's bare name too."""
        if isinstance(node, ast.Constant) and isinstance(node.value, (bool, int)):
            return (CONST, node.value)
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and type(node.operand.value) is int
        ):
            return (CONST, -node.operand.value)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
            if len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Name):
                name = node.args[0].id
                if self.kinds[name] == "buffer":
                    return (SHARED, self.names.variables.index(name))
            raise self.error(node, f"len() takes one declared buffer, got {ast.unparse(node)!r}")
        if _locked_owner(node) is not None:
            raise self.error(node, "the model reads lock.locked() only as the test of an if or a while")
        if not isinstance(node, ast.Name):
            raise self.error(node, f"{ast.unparse(node)!r} is not a number, a variable, len(buffer) or lock.locked()")
        name, kind = node.id, self.kinds[node.id]
        if kind == "buffer" and not bare_buffer:
            why = f"{name} alone is the list: {name} == 0 is never true in Python"
            raise self.error(node, f"write len({name}) for how many items {name} holds ({why})")
        if kind in ("variable", "buffer"):
            return (SHARED, self.names.variables.index(name))
        if kind != "local":
            raise self.error(node, f"{name} is a {kind}, not a value")
        if name not in self.locals:
            declare = "declare shared variables with shared={...} and buffers with buffers={...}"
            raise self.error(node, f"{name} is read before it is given a value ({declare})")
        return (LOCAL, self.locals[name])

    def shown(self, operand: Operand) -> str:
        kind, value = operand
        names = list(self.locals) if kind == LOCAL else self.names.variables
        return repr(value) if kind == CONST else names[int(value)]

    def emit(self, node: ast.AST, kind: str, text: str, **fields: object) -> dict:
        step = {"kind": kind, "line": node.lineno, "text": text, "next_pc": len(self.steps) + 1, **fields}
        step["with_locks"] = tuple(self.with_locks)
        self.steps.append(step)
        if len(self.steps) + self.jumps > MAX_STEPS:
            raise self.error(node, f"a thread's program may have at most {MAX_STEPS} steps")
        return step

    def block(self, statements: list[ast.stmt]) -> None:
        for node in statements:
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self.call(node, node.value)
            elif isinstance(node, ast.AugAssign):
                self.augmented(node)
            elif isinstance(node, ast.Assign):
                if len(node.targets) != 1 or not isinstance(node.targets[0], ast.Name):
                    raise self.error(node, "assign to one plain name at a time, like tmp = counter")
                self.assign(node, node.targets[0].id, node.value)
            elif isinstance(node, ast.With):
                self.with_block(node)
            elif isinstance(node, (ast.If, ast.While)):
                self.if_or_while(node)
            elif not isinstance(node, ast.Pass):
                raise self.unsupported(node)

    def call(self, node: ast.Expr, call: ast.Call) -> None:
        func = call.func
        if isinstance(func, ast.Name) and func.id == "critical_section" and not call.args and not call.keywords:
            self.emit(node, "critical", "critical_section()")
            return
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            raise self.unsupported(node)
        owner, method, kind = func.value.id, func.attr, self.kinds[func.value.id]
        if call.keywords:
            raise self.error(node, f"{owner}.{method}() takes no keyword arguments in the model")
        if method in ("acquire", "release") and kind in ("lock", "condition"):
            if call.args:
                raise self.error(node, f"{owner}.{method}() takes no arguments in the model (no timeout)")
            lock = self.lock_of[owner]
            self.emit(node, method, f"{method} {self.names.locks[lock]}", target=lock)
        elif method == "wait_for" and kind == "condition":
            self.wait_for(node, owner, call)
        elif method in ("wait", "notify", "notify_all") and kind == "condition":
            if call.args:
                raise self.error(node, f"{owner}.{method}() takes no arguments in the model")
            cond = self.names.conditions.index(owner)
            if method == "wait":
                self.emit(node, "wait", f"{owner}.wait(): release the lock and sleep", target=cond)
            else:
                self.emit(node, "notify", f"{owner}.{method}()", target=cond, notify_all=method == "notify_all")
        elif method == "append" and kind == "buffer":
            if len(call.args) != 1:
                raise self.error(node, f"{owner}.append() takes one item")
            item = call.args[0]
            if not (isinstance(item, ast.Constant) or isinstance(item, ast.Name) and self.kinds[item.id] == "local"):
                raise self.error(node, f"append a constant or a local to {owner}, like {owner}.append('item')")
            self.emit(node, "append", f"{owner}.append({ast.unparse(item)})", target=self.names.variables.index(owner))
        elif method == "pop" and kind == "buffer":
            if call.args and not (len(call.args) == 1 and isinstance(call.args[0], ast.Constant)):
                raise self.error(node, f"write {owner}.pop() or {owner}.pop(0)")
            self.emit(node, "pop", f"{owner}.pop()", target=self.names.variables.index(owner))
        elif kind == "local":
            raise self.error(node, f"{owner} is not declared: declare it as a lock, condition or buffer")
        else:
            raise self.unsupported(node)

    def wait_for(self, node: ast.Expr, owner: str, call: ast.Call) -> None:
        """``cond.wait_for(lambda: test)``: the loop Python runs, ``while not test: cond.wait()``."""
        predicate = call.args[0] if len(call.args) == 1 else None
        if not isinstance(predicate, ast.Lambda) or predicate.args.args or predicate.args.vararg:
            hint = "with a simple test and no timeout, like lambda: buffer"
            raise self.error(node, f"write {owner}.wait_for(lambda: test) {hint}")
        a, op, b = self.test(predicate.body)
        cond, top = self.names.conditions.index(owner), len(self.steps)
        shown = f"{ast.unparse(predicate.body)} ({owner}.wait_for)"
        self.emit(node, "test", f"test: {shown}", a=a, op=op, b=b, next_pc=top + 2, else_pc=top + 1)
        self.jumps += 1
        self.emit(node, "wait", f"{owner}.wait_for: release the lock and sleep", target=cond, next_pc=top)
        self.jumps += 1

    def assign(self, node: ast.stmt, target: str, value: ast.expr) -> None:
        kind = self.kinds[target]
        if kind not in ("local", "variable"):
            raise self.error(node, f"cannot assign to {target}, a {kind}")
        if isinstance(value, ast.BinOp) and type(value.op) in (ast.Add, ast.Sub):
            a, op, b = self.operand(value.left), _SYMBOLS[type(value.op)], self.operand(value.right)
            if a[0] == SHARED and b[0] == SHARED:
                raise self.error(value, "one step reads one shared variable; split the line in two")
        else:
            a, op, b = self.operand(value), "", (CONST, 0)
        variable = self.names.variables.index(target) if kind == "variable" else -1
        if kind == "local" and not op and a[0] == SHARED:
            self.emit(node, "load", f"load {self.shown(a)} into {target}", target=int(a[1]), dest=self.local(target))
            return
        if kind == "variable" and not op and a[0] != SHARED:
            self.emit(node, "store", f"store {self.shown(a)} into {target}", target=variable, a=a)
            return
        if SHARED in (a[0], b[0]):  # load the shared value onto the stack first
            stack = self.local(STACK)
            shared = a if a[0] == SHARED else b
            self.emit(node, "load", f"load {self.shown(shared)}", target=int(shared[1]), dest=stack)
            a, b = ((LOCAL, stack), b) if a[0] == SHARED else (a, (LOCAL, stack))
        into = target if kind == "local" else STACK  # a shared variable is computed on the stack, then stored
        slot = self.local(into)
        if op or kind == "local":
            text = f"{into} = {self.shown(a)}" + (f" {op} {self.shown(b)}" if op else "")
            if into == STACK and a == (LOCAL, slot) and b[0] == CONST:  # counter + 1: the add alone, as dis shows it
                text = f"{'add' if op == '+' else 'subtract'} {b[1]!r}"
            self.emit(node, "compute", text, target=slot, a=a, op=op, b=b)
        if kind == "variable":
            self.emit(node, "store", f"store {target}", target=variable, a=(LOCAL, slot))

    def augmented(self, node: ast.AugAssign) -> None:
        if type(node.op) not in (ast.Add, ast.Sub) or not isinstance(node.target, ast.Name):
            raise self.unsupported(node)
        name = node.target.id
        if self.kinds[name] == "local" and name not in self.locals:
            declare = "declare shared variables with shared={...}"
            raise self.error(node, f"{name} is read before it is given a value ({declare})")
        load = ast.copy_location(ast.Name(id=name, ctx=ast.Load()), node)
        self.assign(node, name, ast.copy_location(ast.BinOp(left=load, op=node.op, right=node.value), node))

    def with_block(self, node: ast.With) -> None:
        for item in node.items:
            if item.optional_vars is not None or not isinstance(item.context_expr, ast.Name):
                raise self.error(node, "write with lock: (a declared lock or condition, no 'as')")
            name = item.context_expr.id
            lock = self.lock_of.get(name)
            if lock is None:
                declared = ", ".join(self.names.locks) or "none"
                raise self.error(node, f"with needs a declared lock or condition, got {name!r} (locks: {declared})")
            self.emit(node, "acquire", f"acquire {self.names.locks[lock]} (enter with)", target=lock)
            self.with_locks.append(lock)
        self.block(node.body)
        for _ in node.items:  # innermost first
            lock = self.with_locks.pop()
            self.emit(node, "release", f"release {self.names.locks[lock]} (leave with)", target=lock)

    def test_operand(self, node: ast.expr, *, truth: bool = False) -> Operand:
        """As :meth:`operand`, or ``lock.locked()``; ``truth``: the operand is tested for truth alone."""
        owner = _locked_owner(node)
        if owner is None:
            return self.operand(node, bare_buffer=truth)
        if self.kinds[owner] != "lock" or node.args or node.keywords:  # type: ignore[attr-defined]
            declared = ", ".join(n for n in self.names.locks if self.kinds[n] == "lock") or "none"
            got = ast.unparse(node)
            raise self.error(node, f"locked() takes no arguments, on a declared lock ({declared}), got {got!r}")
        return (LOCKED, self.names.locks.index(owner))

    def test(self, node: ast.expr) -> tuple[Operand, str, Operand]:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self.test_operand(node.operand, truth=True), "not", (CONST, 0)
        if isinstance(node, ast.Compare):
            if len(node.ops) != 1 or type(node.ops[0]) not in _SYMBOLS:
                raise self.error(node, "compare two values with one of == != < <= > >=")
            left, right = self.test_operand(node.left), self.test_operand(node.comparators[0])
            if left[0] in (SHARED, LOCKED) and right[0] in (SHARED, LOCKED):
                raise self.error(node, "a test reads one shared variable; load the other into a local first")
            return left, _SYMBOLS[type(node.ops[0])], right
        if isinstance(node, ast.BoolOp):
            raise self.error(node, "'and'/'or' are not in the model: nest two ifs instead")
        return self.test_operand(node, truth=True), "truth", (CONST, 0)

    def if_or_while(self, node: ast.If | ast.While) -> None:
        loops = isinstance(node, ast.While)
        if loops and node.orelse:
            raise self.error(node, "while ... else is not in the model")
        a, op, b = self.test(node.test)
        top = len(self.steps)
        test = self.emit(node, "test", f"test: {ast.unparse(node.test)}", a=a, op=op, b=b)
        self.block(node.body)
        otherwise = len(self.steps)
        if loops or node.orelse:  # a jump back to the test, or over the else block
            self.jumps += 1
        self.block(node.orelse)
        new = top if loops else len(self.steps)  # where the steps that leave the body go: the test, or past the else
        for step in self.steps[top:otherwise]:
            step.update({key: new for key in ("next_pc", "else_pc") if step.get(key) == otherwise})
        test["else_pc"] = otherwise


def dedent(source: str) -> str:
    """The source as the model reads it: dedented, without blank lines around it."""
    return textwrap.dedent(source).strip("\n")


def compile_program(thread: str, source: str, names: Scenario) -> Program:
    """Compile one thread's source into its steps, with the shared names ``names`` declares."""
    if not isinstance(source, str):
        got = f"{source!r} of type {type(source).__name__}"
        raise TypeError(f"the program of thread {thread} must be a string of Python code, got {got}")
    text = dedent(source)
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        where = f", line {exc.lineno}" if exc.lineno else ""
        raise ValueError(f"thread {thread}{where}: not valid Python ({exc.msg})") from None
    compiler = _Compiler(thread, names)
    compiler.block(tree.body)
    steps = tuple(Step(**step) for step in compiler.steps)
    return Program(thread, tuple(line.rstrip() for line in text.splitlines()), steps, tuple(compiler.locals))
