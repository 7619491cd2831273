"""The course as a learner uses it: JupyterLab in a real (headless) browser.

For every notebook: open it in JupyterLab, run all cells, and check that no
cell stored an error, that every widget rendered as a widget (not as text),
and that each lab answers its controls: moving its thread slider and flipping
its lock switch re-run the experiment and change its plot. A screenshot of
each notebook after the run goes to ``tests/artifacts/``.

Needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``SYNCLAB_CHROMIUM``)
and Playwright's Python package; it never downloads a browser. Without
Chromium the test is skipped, and the skip says so; with
``SYNCLAB_REQUIRE_BROWSER=1`` (as in CI) a missing browser is an error.
The server, its kernels and the browser are stopped whatever happens.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = os.environ.get("SYNCLAB_CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("SYNCLAB_REQUIRE_BROWSER") == "1"
RUN_ALL_SECONDS = 120
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    if os.environ.get("SYNCLAB_SKIP_BROWSER") == "1":
        return "SYNCLAB_SKIP_BROWSER=1 is set"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser_ready() -> None:
    reason = _missing()
    if reason is None:
        return
    if REQUIRED and os.environ.get("SYNCLAB_SKIP_BROWSER") != "1":
        pytest.fail(f"browser test required (SYNCLAB_REQUIRE_BROWSER=1) but cannot run: {reason}")
    pytest.skip(f"SKIPPED the real-browser test: {reason}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab_server(browser_ready, tmp_path_factory) -> Iterator[tuple[str, str]]:
    """JupyterLab on loopback with its own config, runtime and settings folders."""
    home = tmp_path_factory.mktemp("jupyter")
    work = home / "notebooks"
    shutil.copytree(ROOT / "notebooks", work)  # running must not touch the committed notebooks
    settings = home / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # Render every cell, not only those in view, so every widget can be found and checked.
    (settings / "notebook-extension").mkdir(parents=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTER_DATA_DIR=str(home / "data"),
        IPYTHONDIR=str(home / "ipython"),
        JUPYTER_PLATFORM_DIRS="1",
    )
    with running_jupyterlab(
        home,
        [
            f"--ServerApp.root_dir={work}",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={home / 'settings'}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
        ],
        env,
    ) as (base, token):
        yield base, token


@contextlib.contextmanager
def running_jupyterlab(home: Path, args: list[str], env: dict[str, str]) -> Iterator[tuple[str, str]]:
    """JupyterLab on loopback with ``args`` (its log in ``home``): yields its URL and token, and always stops it."""
    port, token = _free_port(), secrets.token_hex(16)
    log = (home / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            *(["--allow-root"] if os.geteuid() == 0 else []),
            *args,
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"JupyterLab exited early:\n{(home / 'server.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 60 s")
                time.sleep(0.25)
        yield base, token
    finally:
        try:
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(request, timeout=5)
            server.wait(timeout=15)
        except Exception:
            pass
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(lab_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, lab_server):
    """A fresh page per notebook; its kernels are shut down afterwards."""
    base, token = lab_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        yield context.new_page()
    finally:
        context.close()
        request = urllib.request.Request(f"{base}/api/kernels?token={token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            kernels = json.load(response)
        for kernel in kernels:
            delete = urllib.request.Request(f"{base}/api/kernels/{kernel['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(delete, timeout=10)


CURRENT = "window.jupyterapp.shell.currentWidget"
# The page may still be loading: until JupyterLab has started, window.jupyterapp is undefined.
KERNEL_IDLE = """() => {
    const app = window.jupyterapp;
    const w = app && app.shell && app.shell.currentWidget;
    const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle' && w.content && w.content.widgets.length > 0;
}"""
RUN_ALL = """async (seconds) => {
    const timeout = new Promise(
        (_, reject) => setTimeout(() => reject(new Error('run-all timed out')), seconds * 1000));
    return await Promise.race([window.jupyterapp.commands.execute('notebook:run-all-cells'), timeout]);
}"""


ALL_RAN_OR_FAILED = f"""() => {{
    const cells = {CURRENT}.content.model.toJSON().cells.filter(c => c.cell_type === 'code');
    return cells.every(c => c.execution_count) || cells.some(c => c.outputs.some(o => o.output_type === 'error'));
}}"""


def _lab_image(lab) -> str:
    image = lab.locator("img").first
    return image.get_attribute("src") or ""


def _wait_for_new_image(page, lab, before: str, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _lab_image(lab) not in ("", before):
            return
        page.wait_for_timeout(200)
    pytest.fail(f"{what} did not redraw the lab's plot within 60 s")


@pytest.mark.parametrize("notebook", [p.name for p in NOTEBOOKS])
def test_notebook_runs_and_its_labs_answer_in_jupyterlab(notebook, lab_server, page):
    base, token = lab_server
    page.goto(f"{base}/lab/tree/{notebook}?reset&token={token}")  # reset: no restored tabs
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate(RUN_ALL, RUN_ALL_SECONDS)
    page.wait_for_function(KERNEL_IDLE, timeout=RUN_ALL_SECONDS * 1000)
    # The kernel can report idle between two cells on a loaded machine: wait until every code
    # cell has run or one has failed (which stops run-all), so the assertions below see the end.
    page.wait_for_function(ALL_RAN_OR_FAILED, timeout=RUN_ALL_SECONDS * 1000)

    model = page.evaluate(f"() => {CURRENT}.content.model.toJSON()")
    code = [c for c in model["cells"] if c["cell_type"] == "code"]
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert errors == [], f"{notebook}: error output {errors[0].get('ename')}: {errors[0].get('evalue')}"
    unrun = [i for i, c in enumerate(code) if not c["execution_count"]]
    assert unrun == [], (
        f"{notebook}: {len(unrun)} of {len(code)} code cells did not run, from code cell {unrun[0]}: "
        + "".join(code[unrun[0]]["source"])[:300]
    )

    panel = page.locator(".jp-NotebookPanel:visible")
    widget_outputs = sum(
        1 for c in code for o in c["outputs"] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    )
    rendered = panel.locator(".jp-OutputArea-output .jupyter-widgets.widget-box, .jp-OutputArea-output .widget-box")
    deadline = time.monotonic() + 60  # views render a moment after their output arrives
    while rendered.count() < widget_outputs and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert rendered.count() >= widget_outputs, (
        f"{notebook}: {widget_outputs} widget outputs but {rendered.count()} rendered as widgets"
    )
    assert panel.get_by_text("Error displaying widget").count() == 0

    labs = panel.locator(".synclab-lab")
    for index in range(labs.count()):
        lab = labs.nth(index)
        lab.scroll_into_view_if_needed()
        threads = lab.locator(".synclab-threads")
        if threads.count():
            before = _lab_image(lab)
            readout = threads.locator(".widget-readout")
            old_value = readout.inner_text().strip()
            new_value = "3" if old_value != "3" else "5"
            readout.click()
            page.keyboard.press("Control+A")
            page.keyboard.type(new_value)
            page.keyboard.press("Enter")
            _wait_for_new_image(page, lab, before, f"{notebook}: moving lab {index}'s thread slider")
            assert readout.inner_text().strip() == new_value
        lock = lab.locator(".synclab-lock")
        if lock.count():
            before = _lab_image(lab)
            # A switch is clicked; a row of buttons (the design of notebook 04's lab) gets
            # a click on a button that is not the selected one.
            choices = lock.locator("button.widget-toggle-button:not(.mod-active)")
            (choices.first if choices.count() else lock).click()
            _wait_for_new_image(page, lab, before, f"{notebook}: toggling lab {index}'s lock")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{Path(notebook).stem}.png"))
