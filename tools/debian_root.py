"""Run the project's tests under Debian unstable's CPython 3.14 and 3.15.

Usage: python tools/debian_root.py [3.14 3.15] [-- python arguments]
       python tools/debian_root.py --remove

With ``-- ARGS`` it runs ``python ARGS`` there instead of the tests, for
instance ``-- -m pytest tests/test_counter.py`` or ``-- benchmarks/bench_versions.py``.

pyenv here has CPython 3.10-3.13 only, but Debian's unstable suite ships
``python3.14`` and ``python3.15``. This script builds a minimal Debian unstable
root (``debootstrap --variant=minbase``) from the Debian archive this machine's
apt already uses, installs both interpreters with their ``-venv`` packages,
copies in this machine's DNS, pip configuration and CA bundle, bind-mounts
``/proc`` and ``/dev``, copies the working tree (tracked and untracked files,
not ignored ones) to ``/synclab`` inside it and runs the unit tests and strict
nbval there (not the browser test: the root has no Chromium), one virtual
environment per version under ``/venvs``.

The root is cached in ``.cache/debian-unstable`` (git-ignored); ``--remove``
deletes it after making sure nothing is mounted inside (never ``rm -rf`` a
root that may still have the host's ``/dev`` bind-mounted in it). It needs
root privileges (debootstrap, chroot, mount) and network access to the Debian
archive and to PyPI; when the root cannot be built it says why and exits with
status 2.

Written in Python rather than bash because ``tools/matrix.py`` and
``benchmarks/bench_versions.py`` import it to run their checks inside the root,
and ``try``/``finally`` (with SIGTERM turned into an exception) removes the
mounts on every way out, Ctrl+C and failures included.
"""

from __future__ import annotations

import configparser
import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CACHE = PROJECT / ".cache" / "debian-unstable"
VERSIONS = ("3.14", "3.15")
# make: tests/test_browser_lab_news.py reads the Makefile's plan for `make lab` (`make -n`).
PACKAGES = [f"python{v}{suffix}" for v in VERSIONS for suffix in ("", "-venv")] + ["make"]
# The archive here is a snapshot whose unstable Release file has expired.
APT = ["apt-get", "-q", "-y", "-o", "Acquire::Check-Valid-Until=false"]
TREE = "/synclab"
MOUNTS = ("proc", "dev")
# The tests `make test` runs, without the browser test (SYNCLAB_SKIP_BROWSER=1 below).
TEST_ARGS = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", "notebooks", "--nbval", "--nbval-current-env"]
TEST_ARGS += ["--nbval-cell-timeout=60", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
PASSED_ENV = ("SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "http_proxy", "https_proxy", "no_proxy")


class RootError(RuntimeError):
    """The Debian root cannot be built or entered; the message says why and what to do."""


def debian_mirror(apt: Path = Path("/etc/apt")) -> str:
    """The first Debian archive (not the security one) in this machine's apt sources."""
    entries: list[tuple[str, str]] = []  # (uri, suites)
    sources = apt / "sources.list.d"
    for path in sorted(sources.glob("*.sources")) if sources.is_dir() else []:
        for stanza in path.read_text().split("\n\n"):
            fields = dict(
                line.split(":", 1) for line in stanza.splitlines() if ":" in line and not line.startswith(("#", " "))
            )
            if "deb" in fields.get("Types", "").split():
                entries += [(uri, fields.get("Suites", "")) for uri in fields.get("URIs", "").split()]
    for path in [apt / "sources.list", *sorted(sources.glob("*.list"))]:
        for line in path.read_text().splitlines() if path.is_file() else []:
            words = [w for w in line.split("#", 1)[0].split() if not w.startswith("[")]
            if len(words) >= 3 and words[0] == "deb":
                entries.append((words[1], words[2]))
    for uri, suites in entries:
        if "/debian" in uri and "security" not in uri + suites:
            return uri.rstrip("/")
    raise RootError(f"no Debian archive found in {apt}/sources.list(.d): cannot build a Debian unstable root")


def _check(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()
        raise RootError(f"{what} failed ({' '.join(argv[:3])} ...):\n  " + "\n  ".join(output[-15:]))


def _mounts_under(root: Path) -> list[str]:
    prefix = str(root.resolve()) + "/"
    with open("/proc/self/mountinfo") as info:
        points = [line.split()[4] for line in info]
    return sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True)


def unmount(root: Path) -> None:
    """Remove every mount inside ``root`` (lazily if something still holds one open)."""
    for point in _mounts_under(root):
        if subprocess.run(["umount", "-R", point], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-R", "-l", point], capture_output=True)
    if _mounts_under(root):
        raise RootError(f"could not unmount {_mounts_under(root)}: unmount them by hand before deleting {root}")


@contextlib.contextmanager
def mounted(root: Path) -> Iterator[None]:
    """Bind-mount /proc and /dev into ``root``; always unmount, whatever happens inside."""
    unmount(root)  # left over from a run that was killed
    try:
        for name in MOUNTS:
            target = root / name
            target.mkdir(exist_ok=True)
            _check(["mount", "--rbind", f"/{name}", str(target)], f"mounting /{name}")
            _check(["mount", "--make-rslave", str(target)], f"mounting /{name}")
        yield
    finally:
        unmount(root)


def _copy_host_file(root: Path, path: str) -> None:
    source = Path(path).expanduser()
    if source.is_file():
        target = root / source.absolute().relative_to("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)  # a symbolic link in the root would point elsewhere
        shutil.copyfile(source, target)


def copy_host_settings(root: Path) -> None:
    """Copy this machine's DNS, pip configuration and CA bundle into ``root``, where pip will find them."""
    _copy_host_file(root, "/etc/resolv.conf")
    configs = ["/etc/pip.conf", "~/.config/pip/pip.conf", "~/.pip/pip.conf", os.environ.get("PIP_CONFIG_FILE", "")]
    configs += [str(p) for p in Path("/etc/xdg/pip").glob("*") if p.is_file()]
    named = {"/etc/ssl/certs/ca-certificates.crt"} | {
        os.environ[k] for k in ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE") if os.environ.get(k)
    }
    for config in filter(None, configs):
        _copy_host_file(root, config)
        parser = configparser.ConfigParser()
        with contextlib.suppress(OSError, configparser.Error):
            parser.read(Path(config).expanduser())
            named |= {parser[s][key] for s in parser.sections() for key in ("cert", "constraint") if key in parser[s]}
    for path in named:  # the CA bundle and constraint files the settings name
        _copy_host_file(root, path)


def build(root: Path) -> None:
    """Build the root at ``root`` from scratch (in a temporary folder, moved into place when complete)."""
    if shutil.which("debootstrap") is None:
        raise RootError("debootstrap is missing: install it with 'apt-get install debootstrap'")
    mirror = debian_mirror()
    partial = root.with_name(root.name + ".partial")
    if partial.exists():
        unmount(partial)
        shutil.rmtree(partial)
    partial.parent.mkdir(parents=True, exist_ok=True)
    print(f"building a Debian unstable root in {root} from {mirror} (about a minute)", flush=True)
    try:
        _check(["debootstrap", "--variant=minbase", "unstable", str(partial), mirror], "debootstrap (network?)")
        copy_host_settings(partial)
        with mounted(partial):
            _check(["chroot", str(partial), *APT, "update"], "apt-get update inside the root")
            _check(
                ["chroot", str(partial), "env", "DEBIAN_FRONTEND=noninteractive", *APT, "install", *PACKAGES],
                f"installing {' '.join(PACKAGES)}",
            )
            _check(["chroot", str(partial), "apt-get", "clean"], "apt-get clean")
    except BaseException:
        unmount(partial)  # raises rather than delete through a mount
        shutil.rmtree(partial)
        raise
    if root.exists():  # an incomplete root from before
        unmount(root)
        shutil.rmtree(root)
    partial.rename(root)


def run(root: Path, argv: list[str], cwd: str = TREE, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` inside ``root`` (mounted), in ``cwd``, with a clean environment plus pip's settings."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "SYNCLAB_SKIP_BROWSER": "1",
    }
    env |= {k: v for k, v in os.environ.items() if k.startswith("PIP_") or k in PASSED_ENV}
    command = [
        "chroot",
        str(root),
        "env",
        "-i",
        *(f"{k}={v}" for k, v in env.items()),
        "sh",
        "-c",
        'cd "$0" && exec "$@"',
    ]
    return subprocess.run([*command, cwd, *argv], text=True, **kwargs)  # type: ignore[call-overload]


def copy_tree(root: Path) -> None:
    """Copy the working tree (tracked and untracked files, not git-ignored ones) to ``TREE`` in ``root``."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    target = root / TREE.lstrip("/")
    shutil.rmtree(target, ignore_errors=True)
    for name in filter(None, listing.split("\0")):
        source = PROJECT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def venv_python(root: Path, version: str) -> str:
    """``/venvs/X.Y/bin/python`` inside ``root``, with the project and its test extras installed."""
    venv = f"/venvs/{version}"
    stamp = root / venv.lstrip("/") / ".synclab-installed"
    wanted = hashlib.sha256((PROJECT / "pyproject.toml").read_bytes()).hexdigest()
    if not stamp.exists() or stamp.read_text() != wanted:
        for argv in (
            [f"python{version}", "-m", "venv", "--clear", venv],
            [f"{venv}/bin/python", "-m", "pip", "install", "-q", "-e", ".[test]"],
        ):
            result = run(root, argv, capture_output=True)
            if result.returncode != 0:
                raise RootError(
                    f"{' '.join(argv)} failed inside the root:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
                )
        stamp.write_text(wanted)
    return f"{venv}/bin/python"


@contextlib.contextmanager
def _exclusive(root: Path) -> Iterator[None]:
    """One user of ``root`` at a time; SIGTERM becomes SystemExit, so ``finally`` blocks run."""
    root.parent.mkdir(parents=True, exist_ok=True)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        with open(root.parent / f"{root.name}.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"waiting for another run that uses {root}", flush=True)
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def session(root: Path = CACHE) -> Iterator[Path]:
    """The root, built if needed, mounted, with a fresh copy of the working tree."""
    if os.geteuid() != 0:
        raise RootError("the Debian root needs root privileges (debootstrap, chroot, mount): run this as root")
    with _exclusive(root):
        if not (root / "usr" / "bin" / f"python{VERSIONS[-1]}").exists():
            build(root)
        copy_host_settings(root)
        copy_tree(root)
        with mounted(root):
            yield root


def remove(root: Path = CACHE) -> None:
    """Delete the cached root and any half-built one, unmounting whatever is mounted inside first."""
    with _exclusive(root):
        for folder in (root, root.with_name(root.name + ".partial")):
            if folder.exists():
                unmount(folder)  # raises rather than delete through a mount
                shutil.rmtree(folder)
                print(f"removed {folder}")


def main(argv: list[str]) -> int:
    if argv == ["--remove"]:
        try:
            remove()
        except RootError as error:
            print(f"tools/debian_root.py: {error}", file=sys.stderr)
            return 2
        return 0
    split = argv.index("--") if "--" in argv else len(argv)
    versions, command = argv[:split] or list(VERSIONS), argv[split + 1 :] or TEST_ARGS
    unknown = [v for v in versions if v not in VERSIONS]
    if unknown:
        print(f"versions must be among {', '.join(VERSIONS)}, got {', '.join(unknown)}", file=sys.stderr)
        return 2
    failed = []
    try:
        with session() as root:
            for version in versions:
                python = venv_python(root, version)
                print(f"-- CPython {version} (Debian unstable): python {' '.join(command)}", flush=True)
                if run(root, [python, *command]).returncode != 0:
                    failed.append(version)
    except RootError as error:
        print(f"tools/debian_root.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("tools/debian_root.py: interrupted (the root's mounts were removed)", file=sys.stderr)
        return 130
    print(f"failed on: {', '.join(failed)}" if failed else f"passed on: {', '.join(versions)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
