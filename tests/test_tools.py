"""The tools that run the matrix: where the Debian root comes from, and that its mounts never outlive a run."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
import debian_root  # noqa: E402
import matrix  # noqa: E402

DEB822 = """\
Types: deb
# a comment: http://example.invalid/not-this
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main

Types: deb-src
URIs: http://mirror.example/sources/debian
Suites: bookworm

Types: deb
URIs: http://mirror.example/debian/
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""


def test_the_mirror_is_the_first_debian_archive_that_is_not_the_security_one(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d" / "debian.sources").write_text(DEB822)
    assert debian_root.debian_mirror(tmp_path) == "http://mirror.example/debian"


def test_a_one_line_sources_list_works_too(tmp_path):
    (tmp_path / "sources.list").write_text(
        "# deb http://old.example/debian sid main\n"
        "deb [arch=amd64 signed-by=/k.gpg] http://security.example/debian-security bookworm-security main\n"
        "deb [arch=amd64] http://one.example/debian bookworm main\n"
    )
    assert debian_root.debian_mirror(tmp_path) == "http://one.example/debian"


def test_no_debian_archive_is_a_clear_error(tmp_path):
    (tmp_path / "sources.list").write_text("deb http://apt.example/node stable main\n")
    with pytest.raises(debian_root.RootError, match="no Debian archive found"):
        debian_root.debian_mirror(tmp_path)


@pytest.mark.skipif(os.geteuid() != 0, reason="bind mounts need root")
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_the_mounts_are_removed_when_the_run_inside_fails_or_is_interrupted(tmp_path, error):
    root = tmp_path / "root"
    root.mkdir()
    with pytest.raises(error), debian_root.mounted(root):
        assert (root / "proc" / "self").exists() and (root / "dev" / "null").exists()
        assert len(debian_root._mounts_under(root)) >= 2
        raise error
    assert debian_root._mounts_under(root) == []
    assert not (root / "dev" / "null").exists()


def test_the_matrix_says_when_a_version_is_not_there():
    found = list(matrix.interpreters(["3.99"]))
    assert found == [("3.99", None, "not found")]
