"""glide web: the virtual board in a web browser, served from this checkout.

The page (host_tools/web/) runs the unchanged firmware/ with the virtual hardware of
host_tools/virtual/ inside the official MicroPython WebAssembly port, in a Web Worker of
the browser: the same VM and the same files as `glide sim --runtime micropython`. It
draws the LEDs and buttons, a skin slider, the serial console and a live plot (uPlot),
and plays the scenario library at 1x, 10x or as fast as it goes. The server is static:
files, and one JSON made at start-up (the scenarios as host_tools/scenario.py reads
them, the file lists); no Python runs while the board does (docs/web.md).
"""
import http.server
import json
import os
import posixpath
import sys
import urllib.parse
import webbrowser

from . import FIRMWARE, sim, vm
from .plot import STATE_COLOURS
from .scenario import ScenarioError, library, load

PAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "web")
NODE_MODULES = os.path.join(vm.HERE, "node_modules")
# URL prefix -> folder: the page, the firmware and virtual board (copied into the VM's
# filesystem), the npm packages the page loads (the VM, uPlot)
ROOTS = {"fw": FIRMWARE, "virtual": sim.VIRTUAL, "npm": NODE_MODULES}
PACKAGES = ("@micropython/micropython-webassembly-pyscript", "uplot")
PORT = 8765
# The page's LED frames: 50 a second at 1x, and how often it takes input (virtual/live.py).
FRAME_MS = 20
TYPES = {".html": "text/html", ".mjs": "text/javascript", ".js": "text/javascript",
         ".css": "text/css", ".wasm": "application/wasm", ".py": "text/plain",
         ".json": "application/json", ".png": "image/png"}


def site():
    """What the page needs to know, as JSON: the files to copy into the VM, the scenario
    library with each scenario's board config as glide sim merges it, the state colours
    of glide plot."""
    def py(folder):
        return sorted(f for f in os.listdir(folder) if f.endswith(".py"))
    scenarios = []
    for name in library():
        try:
            scn = load(name)
        except ScenarioError as e:  # the page lists the rest
            print("glide web: %s" % e, file=sys.stderr)
            continue
        scenarios.append({"name": name, "title": scn.title, "end_ms": scn.end_ms,
                          "config": {**sim.BOARD_CONFIG, **scn.config},
                          "steps": scn.steps})
    return json.dumps({"files": {"fw": py(FIRMWARE), "virtual": py(sim.VIRTUAL)},
                       "board_config": sim.BOARD_CONFIG, "frame_ms": FRAME_MS,
                       "states": STATE_COLOURS, "scenarios": scenarios}).encode()


def resolve(url_path):
    """The file a URL path names, or None: / is the page, /fw/, /virtual/ and /npm/ (its
    PACKAGES only) the folders of ROOTS; nothing outside them ('..' included)."""
    parts = [p for p in posixpath.normpath(urllib.parse.unquote(url_path)).split("/") if p]
    if not parts:
        parts = ["index.html"]
    if ".." in parts:
        return None
    root = ROOTS.get(parts[0])
    if root is None:
        path = os.path.join(PAGE, *parts)
    elif parts[0] == "npm" and not any("/".join(parts[1:]).startswith(p + "/") for p in PACKAGES):
        return None
    else:
        path = os.path.join(root, *parts[1:])
    try:
        return path if os.path.isfile(path) else None
    except ValueError:  # a NUL in the path
        return None


class Handler(http.server.BaseHTTPRequestHandler):
    site = b"{}"

    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path == "/site.json":
            body, kind = self.site, "application/json"
        else:
            file = resolve(path)
            if file is None:
                self.send_error(404)
                return
            with open(file, "rb") as f:
                body = f.read()
            kind = TYPES.get(os.path.splitext(file)[1], "application/octet-stream")
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        # Cross-origin isolation: the page and its worker share a SharedArrayBuffer (the
        # worker's VM never returns to the event loop, so input cannot come by message).
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # a page load is ~40 requests: the terminal stays for the address


def server(port=0):
    """A server on 127.0.0.1:port (0: any free port) for the page; serve_forever() runs it."""
    Handler.site = site()
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)


def add_arguments(p):
    p.add_argument("--port", type=int, default=PORT,
                   help="the local port to serve on (default %d; 0: any free one)" % PORT)
    p.add_argument("--open", action="store_true", help="open the page in a web browser")


def run(args):
    if not all(os.path.isdir(os.path.join(NODE_MODULES, p)) for p in PACKAGES):
        print("glide web: the page's npm packages are not installed: run `npm ci --prefix %s` "
              "(`make setup` in a checkout)" % vm.HERE, file=sys.stderr)
        return 2
    try:
        httpd = server(args.port)
    except OSError as e:
        print("glide web: port %d: %s" % (args.port, e.strerror or e), file=sys.stderr)
        return 2
    url = "http://127.0.0.1:%d/" % httpd.server_address[1]
    print("glide web: the virtual board on %s (Ctrl-C stops)" % url, flush=True)
    if args.open:
        webbrowser.open(url)
    with httpd:
        httpd.serve_forever()
    return 0
