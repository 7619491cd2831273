"""Keep the machine's cores busy, as a learner's laptop with a browser open is.

Two ways to use it:

* from Python (benchmarks): ``with busy_cores(): measure()`` starts one spinning
  process per core (or ``count``) and always stops them on the way out;
* from the shell (sweeps): ``python tools/busy.py -- pytest ...`` runs the command
  while the cores are kept busy and exits with the command's exit status.

The load is plain CPU work in separate processes (not threads of this
interpreter), so it competes with the measured threads for the CPUs the way
other programs do, without touching this interpreter's GIL.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import subprocess
import sys
from collections.abc import Iterator


def _spin(stop: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    while not stop.is_set():
        sum(range(10_000))


@contextlib.contextmanager
def busy_cores(count: int | None = None) -> Iterator[int]:
    """Keep ``count`` cores busy (default: all of them) while the block runs.

    Yields:
        The number of spinning processes.
    """
    if count is None:
        count = os.cpu_count() or 1
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 256:
        raise ValueError(f"count must be an int between 1 and 256, got {count!r}")
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    workers = [context.Process(target=_spin, args=(stop,), daemon=True) for _ in range(count)]
    for worker in workers:
        worker.start()
    try:
        yield count
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
                worker.join(timeout=5)


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: python tools/busy.py -- command [args...]", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    with busy_cores() as count:
        print(f"busy.py: {count} spinning processes keep the cores busy while this runs", flush=True)
        return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
