"""`make lab` opens the course without JupyterLab's "official Jupyter news?" question.

`make lab` copies ``tools/jupyterlab_overrides.json`` into the settings overrides
of the JupyterLab inside ``.venv`` (its ``overrides.d`` folder), which turns the
question off by default for that JupyterLab only. Here a JupyterLab with a clean
learner configuration is started twice in Chromium: once with those overrides
(no question) and once without them (the question appears, so the check can
fail). The first test checks the Makefile wiring without a browser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, REQUIRED, _missing, running_jupyterlab

ROOT = Path(__file__).resolve().parent.parent
OVERRIDES = ROOT / "tools" / "jupyterlab_overrides.json"
QUESTION = "Would you like to get notified about official Jupyter news?"


def test_make_lab_installs_the_overrides_inside_the_venv_only():
    settings = json.loads(OVERRIDES.read_text())
    assert settings["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    plan = subprocess.run(
        ["make", "-n", "-B", "lab", "VENV=.venv-plan"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "cp tools/jupyterlab_overrides.json .venv-plan/share/jupyter/lab/settings/overrides.d/synclab.json" in plan
    assert "user-settings" not in plan and "~" not in plan  # the learner's own settings are not touched


def _question_shown(tmp_path: Path, *, with_overrides: bool) -> bool:
    from playwright.sync_api import sync_playwright

    home = tmp_path / ("with" if with_overrides else "without")
    app_settings = home / "app-settings"
    (app_settings / "overrides.d").mkdir(parents=True)
    if with_overrides:
        shutil.copy(OVERRIDES, app_settings / "overrides.d" / "synclab.json")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),  # a learner who has never answered the question
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_DATA_DIR=str(home / "data"),
        IPYTHONDIR=str(home / "ipython"),
    )
    args = [f"--ServerApp.root_dir={ROOT / 'notebooks'}", f"--LabApp.app_settings_dir={app_settings}"]
    with running_jupyterlab(home, args, env) as (base, token), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{base}/lab?reset&token={token}")
            page.wait_for_selector("#jp-main-dock-panel", timeout=60_000)
            # The question is a toast raised once the settings have loaded: give it time to come.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if page.get_by_text(QUESTION).count():
                    return True
                page.wait_for_timeout(250)
            return False
        finally:
            browser.close()


@pytest.mark.browser
def test_the_course_jupyterlab_asks_no_news_question(tmp_path):
    reason = _missing()
    if reason is not None:
        if REQUIRED:
            pytest.fail(f"browser test required (SYNCLAB_REQUIRE_BROWSER=1) but cannot run: {reason}")
        pytest.skip(f"SKIPPED the real-browser test: {reason}")
    assert _question_shown(tmp_path, with_overrides=False), "without the overrides the question should appear"
    assert not _question_shown(tmp_path, with_overrides=True), "the course's JupyterLab asked about Jupyter news"
