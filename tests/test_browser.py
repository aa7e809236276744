"""The sliders in a real browser: JupyterLab serves a notebook, headless Chromium runs it, Playwright
moves a slider, and the readout text and the figure on the page must change.

Skipped where Chromium or Playwright is missing, except under CI (CI=true), where that fails.
Everything stays on 127.0.0.1; the server and its kernels are stopped by PID, pass or fail.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
NOTEBOOKS = Path(os.environ.get("SNN_NOTEBOOKS", Path(__file__).resolve().parent.parent / "notebooks"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _require_browser():
    missing = [why for ok, why in ((Path(CHROMIUM).exists(), f"{CHROMIUM} not found (apt-get install chromium)"),
                                   (_has_playwright(), "playwright not installed (pip install -r requirements.txt)"))
               if not ok]
    if missing and os.environ.get("CI") == "true":
        pytest.fail("browser test cannot run under CI: " + "; ".join(missing))
    if missing:
        pytest.skip("; ".join(missing))


def _has_playwright():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid):
    """PIDs whose parent is pid (the kernels a server started), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _stop(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    for pid in pids:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and not _zombie(pid):
            time.sleep(0.05)
        if Path(f"/proc/{pid}").exists() and not _zombie(pid):
            os.kill(pid, signal.SIGKILL)


def _zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture(scope="module")
def lab():
    """A JupyterLab on 127.0.0.1 with its own settings, serving a copy of the notebooks."""
    _require_browser()
    home = Path(tempfile.mkdtemp(prefix="snn-browser-"))
    root = home / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the DOM (no windowing), so the test can find the widgets without scrolling
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    notices = home / "settings" / "@jupyterlab" / "apputils-extension"
    notices.mkdir(parents=True)
    (notices / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false",
                                                                          "checkForUpdates": False}))
    port = _free_port()
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
               MPLBACKEND="module://matplotlib_inline.backend_inline")
    log = open(home / "server.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    kernels = set()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"jupyter lab did not start: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.2)
        yield url, home, lambda: kernels.update(_children(server.pid))
    finally:
        kernels.update(_children(server.pid))
        _stop(sorted(kernels) + [server.pid])
        log.close()
        print(f"\nserver log and screenshots in {home}")


def _run_notebook(page, url, name, home):
    """Open a notebook, clear its stored outputs, run all cells and wait for the kernel to finish."""
    try:
        _run_all(page, url, name)
    except Exception:
        page.screenshot(path=str(home / f"{name}-failed.png"), full_page=True)
        raise


def _run_all(page, url, name):
    page.goto(f"{url}/lab/tree/{name}?reset")  # ?reset: a fresh layout, not the last test's tabs
    page.wait_for_function("(name) => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                           " && window.jupyterapp.shell.currentWidget.context"
                           " && window.jupyterapp.shell.currentWidget.context.path === name"
                           " && window.jupyterapp.shell.currentWidget.sessionContext"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                           " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                           arg=name, timeout=60_000)
    page.evaluate("""async () => {
        const nb = window.jupyterapp.shell.currentWidget;
        await nb.sessionContext.ready;
        await window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs');
        await window.jupyterapp.commands.execute('notebook:run-all-cells');
    }""")
    page.wait_for_function("""() => {
        const nb = window.jupyterapp.shell.currentWidget;
        const kernel = nb.sessionContext.session.kernel;
        const cells = nb.content.widgets.filter(c => c.model.type === 'code');
        return kernel.status === 'idle' && cells.every(c => c.model.executionCount !== null);
    }""", timeout=120_000, polling=250)
    errors = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
        .filter(c => c.model.type === 'code')
        .flatMap(c => c.model.toJSON().outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue))""")
    assert not errors, errors


def _slider_cell(page, description):
    """The output area holding the slider labelled `description`, and that slider's readout box."""
    slider = page.locator(".widget-slider", has=page.locator(".widget-label", has_text=re.compile(f"^{description}$")))
    slider.first.wait_for(timeout=30_000)
    return slider.first


def _set_slider(page, slider, value, readout_before, readout):
    box = slider.locator(".widget-readout")
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    try:
        page.wait_for_function("([el, before]) => el.innerText !== before",
                               arg=[readout.element_handle(), readout_before], timeout=30_000, polling=100)
    except PlaywrightTimeout:
        raise AssertionError(f"setting the slider to {value} did not change the readout {readout_before!r}") from None


def _wait_for_new_figure(cell, before, timeout=30):
    """The display update replaces the <img> element, so poll the cell's current one."""
    deadline = time.monotonic() + timeout
    while _figure_src(cell) == before:
        assert time.monotonic() < deadline, "the figure was not redrawn"
        cell.page.wait_for_timeout(100)


def _figure_src(cell):
    return cell.locator(".jp-OutputArea-output img").first.get_attribute("src")


def _check_slider(page, url, home, notebook, moves, readout_pattern):
    _run_notebook(page, url, notebook, home)
    sliders = {name: _slider_cell(page, name) for name, _ in moves}
    cell = page.locator(".jp-CodeCell", has=sliders[moves[0][0]])
    readout = cell.locator(".widget-html-content", has_text=readout_pattern).first
    readout.wait_for(timeout=30_000)
    shots = [home / f"{notebook}-before.png"]
    cell.screenshot(path=str(shots[0]))
    history = [(readout.inner_text(), _figure_src(cell))]
    for name, value in moves:
        _set_slider(page, sliders[name], value, history[-1][0], readout)
        _wait_for_new_figure(cell, history[-1][1])
        history.append((readout.inner_text(), _figure_src(cell)))
        shots.append(home / f"{notebook}-after-{name}.png")
        cell.screenshot(path=str(shots[-1]))
    print(*(f"{notebook}: {text!r}" for text, _ in history), *(f"screenshot: {p}" for p in shots), sep="\n")
    return history


@pytest.fixture
def page(lab):
    """A fresh headless Chromium page; the kernels it made are noted for the server's teardown."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            lab[2]()
            browser.close()


def test_boundary_sliders_redraw_the_boundary(lab, page):
    url, home, _ = lab
    history = _check_slider(page, url, home, "04_decision_boundaries.ipynb",
                            [("threshold", 0.5), ("num_steps", 3)], re.compile("test accuracy"))
    texts, images = zip(*history)
    assert len(set(texts)) == 3 and len(set(images)) == 3  # every move changed the readout and the figure
    parse = [re.search(r"test accuracy ([\d.]+).*?([\d.]+) spikes per sample", t) for t in texts]
    assert all(parse), texts
    spikes = [float(m.group(2)) for m in parse]
    assert spikes[1] > spikes[0] > spikes[2]  # a lower threshold fires more; 3 steps fire far less than 25


def test_dynamics_threshold_slider_changes_the_spike_count(lab, page):
    url, home, _ = lab
    history = _check_slider(page, url, home, "02_spiking_dynamics.ipynb", [("threshold", 2.0)],
                            re.compile(r"\d+ spikes in"))
    (before, img_before), (after, img_after) = history
    count = [int(re.search(r"(\d+) spikes in", t).group(1)) for t in (before, after)]
    assert count[1] < count[0] and img_before != img_after
