"""The scheduler lab in a real browser: clicking a thread's button steps it.

Uses the JupyterLab server, the headless Chromium page and the skip rules of
``tests/test_browser.py`` (its fixtures are imported). Notebook 09 is opened
and run; then the first scheduler lab is played: step T1, step T2, undo.
"""

from __future__ import annotations

import pytest
from test_browser import (  # noqa: F401  (fixtures)
    ARTIFACTS,
    KERNEL_IDLE,
    RUN_ALL,
    RUN_ALL_SECONDS,
    browser,
    browser_ready,
    lab_server,
    page,
)

pytestmark = pytest.mark.browser

NOTEBOOK = "09-play-the-scheduler.ipynb"


def test_scheduler_lab_steps_undoes_and_blocks_in_jupyterlab(lab_server, page):  # noqa: F811
    base, token = lab_server
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?reset&token={token}")
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate(RUN_ALL, RUN_ALL_SECONDS)
    page.wait_for_function(KERNEL_IDLE, timeout=RUN_ALL_SECONDS * 1000)

    panel = page.locator(".jp-NotebookPanel:visible")
    lab = panel.locator(".synclab-scheduler").first
    lab.scroll_into_view_if_needed()
    page.wait_for_function(  # the widget view renders after the cell's output appears
        "el => el.innerText.includes('Schedule so far (0 steps)')", arg=lab.element_handle(), timeout=30_000
    )

    lab.get_by_role("button", name="Step T1").click()
    page.wait_for_function("el => el.innerText.includes('(1 steps)')", arg=lab.element_handle(), timeout=10_000)
    assert "(stack) = 0" in lab.inner_text()
    lab.get_by_role("button", name="Step T2").click()
    page.wait_for_function("el => el.innerText.includes('(2 steps)')", arg=lab.element_handle(), timeout=10_000)
    assert "Schedule so far (2 steps): T1 T2" in lab.inner_text()

    lab.get_by_role("button", name="Undo").click()
    page.wait_for_function("el => el.innerText.includes('(1 steps)')", arg=lab.element_handle(), timeout=10_000)

    # the deadlock challenge: once T1 holds both locks, T2's button is disabled
    picker = lab.locator("select").first
    picker.select_option(label="Cause a deadlock")
    lab.get_by_role("button", name="Step T1").click()
    lab.get_by_role("button", name="Step T2").click()
    page.wait_for_function("el => el.innerText.includes('Goal met')", arg=lab.element_handle(), timeout=10_000)
    assert lab.get_by_role("button", name="Step T1").is_disabled()
    assert lab.get_by_role("button", name="Step T2").is_disabled()

    ARTIFACTS.mkdir(exist_ok=True)
    lab.screenshot(path=str(ARTIFACTS / "09-scheduler-lab.png"))
