"""glide web (issue 12): the page in a real browser, Debian's chromium driven headless by
Playwright (its own browser download needs a network: executable_path is the system's).
Without chromium or playwright these skip with one reason; with CI set they fail (.ci/run
installs both). One browser for the module; each test a fresh page, so a fresh board."""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from host_tools import cli, sim, web
from host_tools.scenario import library, load

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without the background-networking flags this machine's chromium had its connections
# refused en masse; GPU and sandbox are not there in a container.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WAIT_MS = 60000  # for the page to do a thing: generous, the machine is shared
SHOTS = {"rest": "web-rest.png", "treatment": "web-treatment.png"}


def missing():
    """Why the page cannot be tested here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright (pip install '.[test]')"
    if not os.path.exists(CHROMIUM):
        return "no chromium (apt-get install chromium)"
    if not all(os.path.isdir(os.path.join(web.NODE_MODULES, p)) for p in web.PACKAGES):
        return "the page's npm packages are not installed (make setup)"
    return None


@pytest.fixture(scope="module")
def url():
    httpd = web.server(0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d/" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    why = missing()
    if why:
        if os.environ.get("CI"):
            pytest.fail("glide web's tests need %s" % why)
        pytest.skip(why)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")), executable_path=CHROMIUM, headless=True,
            args=ARGS, viewport={"width": 1280, "height": 900}, accept_downloads=True)
        yield ctx
        ctx.close()


@pytest.fixture
def page(browser, url):
    """The page loaded, its board booted (the G header in), its console errors in
    page.errors."""
    p = browser.new_page()
    p.errors = []
    p.on("console", lambda m: p.errors.append(m.text) if m.type == "error" else None)
    p.on("pageerror", lambda e: p.errors.append(str(e)))
    p.goto(url)
    p.wait_for_function("window.glide?.log?.some(l => l.startsWith('G '))", timeout=WAIT_MS)
    yield p
    p.close()


def wait(page, js, arg=None):
    page.wait_for_function(js, arg=arg, timeout=WAIT_MS)


def fetch(url):
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, b""


def test_server_serves_the_vm_and_the_files_with_their_types_and_nothing_else(url):
    status, headers, body = fetch(
        url + "npm/@micropython/micropython-webassembly-pyscript/micropython.wasm")
    assert status == 200 and headers["Content-Type"] == "application/wasm"
    assert body[:4] == b"\0asm"
    status, headers, _ = fetch(url + "board.mjs")
    assert status == 200 and headers["Content-Type"] == "text/javascript"
    # the page and its worker share memory: only a cross-origin isolated page may
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert fetch(url + "fw/main.py")[0] == 200 and fetch(url + "virtual/live.py")[0] == 200
    for path in ("fw/../pyproject.toml", "fw/%2e%2e/pyproject.toml", "npm/.package-lock.json",
                 "npm/uplot/../../package.json", "nothing.html", "fw/main%00.py"):
        assert fetch(url + path)[0] == 404, path
    site = json.loads(fetch(url + "site.json")[2])
    assert [s["name"] for s in site["scenarios"]] == library()
    assert "live.py" in site["files"]["virtual"] and "main.py" in site["files"]["fw"]


def test_glide_web_prints_its_address_and_serves_the_page():
    p = subprocess.Popen([sys.executable, "-m", "host_tools", "web", "--port", "0"], cwd=ROOT,
                         stdout=subprocess.PIPE, text=True)
    try:
        first = p.stdout.readline()
        m = re.match(r"glide web: the virtual board on (http://127\.0\.0\.1:\d+/) ", first)
        assert m, first
        status, headers, body = fetch(m.group(1))
        assert status == 200 and b"page.mjs" in body
    finally:
        p.terminate()
        p.wait(timeout=10)


def test_page_loads_without_console_errors(page):
    wait(page, "glide.frames.length > 20 && glide.rate !== null")
    assert page.evaluate("glide.error") is None
    assert page.errors == []


def test_typed_level_5_answers_ok(page):
    page.fill("#cmd", "level 5")
    page.press("#cmd", "Enter")
    wait(page, "glide.log.includes('OK level')")
    wait(page, "glide.log.some(l => / lv=5 /.test(l))")  # the board took it
    assert "> level 5" in page.inner_text("#console")  # echoed, as glide monitor does
    assert "> level 5" not in page.evaluate("glide.log")  # the log is the board's


def skin(page, ohm):
    """The slider to ohm (its log scale, 1 kohm..2 Mohm)."""
    page.eval_on_selector("#slider", "(el, v) => { el.value = v; el.dispatchEvent(new Event('input')) }",
                          round(1000 * math.log(ohm / 1000) / math.log(2000)))


def frames(page):
    return page.evaluate("glide.frames")


def test_slider_into_contact_ramps_the_led_up_and_lift_off_zeroes_it_in_the_next_frame(page, virtual,
                                                                                      tmp_path):
    hw = virtual("hw")
    page.click("#start")
    wait(page, "glide.log.includes('OK start')")
    skin(page, 20000)
    wait(page, "glide.log.some(l => / ev=CONTACT /.test(l))")
    contact = next(int(l.split()[1][2:]) for l in page.evaluate("glide.log") if " ev=CONTACT " in l)
    full = hw.duty(136)  # level 1's cap
    wait(page, "glide.frames.some(f => f.out >= %d)" % full)
    ramp = [f for f in frames(page) if f["t"] >= contact]
    top = next(i for i, f in enumerate(ramp) if f["out"] >= full)
    # 340 uA/s: 136 uA in 400 ms, a frame (20 ms) of slack at each end; a ramp, not a step
    assert ramp[top]["t"] - contact <= 136 * 1000 // 340 + 2 * web.FRAME_MS
    outs = [f["out"] for f in ramp[:top + 1]]
    assert outs == sorted(outs) and len({o for o in outs if 0 < o < full}) >= 10
    page.click("#lift")
    wait(page, "glide.inputs.length >= 3")  # start, the skin, the lift-off
    lift = page.evaluate("glide.inputs[2]")
    wait(page, "glide.frames.some(f => f.t > %d)" % lift)
    after = [f for f in frames(page) if f["t"] > lift]
    assert after[0]["out"] == 0 and after[0]["t"] <= lift + web.FRAME_MS
    assert [f for f in frames(page) if f["t"] <= lift][-1]["out"] > 0
    log = tmp_path / "live.log"
    log.write_text("\n".join(page.evaluate("glide.log")) + "\n")
    assert cli.main(["check", str(log)]) == 0


# make test plays normal; CI also buttons (its presses come as the page's do, as steps)
@pytest.mark.parametrize("name", ["normal", pytest.param("buttons", marks=pytest.mark.slow)])
def test_scenario_in_the_page_logs_what_glide_sim_micropython_does(page, name, tmp_path):
    page.check("input[name=speed][value='0']")
    page.select_option("#scenario", name)
    page.click("#play")
    wait(page, "glide.run === %r && (glide.ended || glide.error)" % name)
    assert page.evaluate("glide.error") is None
    with page.expect_download() as dl:
        page.click("#download")
    path = str(tmp_path / "page.log")
    dl.value.save_as(path)
    with open(path, encoding="utf-8") as f:
        got = f.read().splitlines()
    want = []
    sim.run_scenario(load(name), want.append, runtime="micropython")
    # T lines are the runtime's own timing
    assert [l for l in got if not l.startswith("T ")] == [l for l in want if not l.startswith("T ")]
    assert cli.main(["check", path]) == 0
    assert cli.main(["plot", path, "-o", str(tmp_path / "page.png")]) == 0


def not_blank(png):
    """An image with something drawn: the spread of its grey levels and its colours."""
    from PIL import Image, ImageStat
    img = Image.open(png).convert("RGB")
    grey = ImageStat.Stat(img.convert("L"))
    return grey.stddev[0] > 20 and len(img.getcolors(1 << 20) or range(1 << 20)) > 200


def led(page):
    """The output LED's mean brightness in a screenshot of it."""
    from PIL import Image, ImageStat
    import io
    png = page.locator("#led-out").screenshot()
    return ImageStat.Stat(Image.open(io.BytesIO(png)).convert("L")).mean[0]


def test_screenshots_at_rest_and_in_treatment_are_not_blank(page, tmp_path):
    """GLIDE_UPDATE_GOLDEN=1 writes them to docs/ (docs/web.md and the README show them)."""
    wait(page, "glide.frames.length > 50")
    dark = led(page)
    shots = {}
    shots["rest"] = page.screenshot()
    page.select_option("#level", "3")
    page.click("#start")
    skin(page, 20000)
    wait(page, "glide.log.some(l => / st=TREAT .* out=408 /.test(l))")
    page.wait_for_timeout(600)  # the plot redraws every 250 ms
    shots["treatment"] = page.screenshot()
    assert led(page) > dark + 40
    for what, png in shots.items():
        path = tmp_path / SHOTS[what]
        path.write_bytes(png)
        assert not_blank(path), what
        if os.environ.get("GLIDE_UPDATE_GOLDEN"):
            shutil.copy(path, os.path.join(DOCS, SHOTS[what]))
    for name in SHOTS.values():
        assert not_blank(os.path.join(DOCS, name)), name



def test_typed_lines_past_the_shared_buffer_all_reach_the_board_in_order(page):
    # 80 lines of 60 B while a new board loads (the worker takes none yet): more than
    # the 4 KB the page and the worker share
    page.evaluate("""() => { document.getElementById('play').click();
      for (let i = 0; i < 80; i++) {
        document.getElementById('cmd').value = 'mode m' + String(i).padStart(2, '0') + 'x'.repeat(50);
        document.getElementById('cmdline').requestSubmit(); } }""")
    wait(page, "glide.log.filter(l => l.startsWith('ERR')).length >= 80")
    replies = [l for l in page.evaluate("glide.log") if l.startswith(("OK", "ERR"))]
    assert [r.split(": ", 1)[1][:3].lower() for r in replies] == ["m%02d" % i for i in range(80)]
    assert page.errors == []
