// The page's board, in a Web Worker: the official MicroPython WebAssembly port runs the
// unchanged firmware/ with the virtual board of host_tools/virtual/, copied into the
// VM's filesystem from the server, as host_tools/vm.py does under Node.
// The firmware's loop never returns to the worker's event loop, so the page talks to it
// through a SharedArrayBuffer (ctl, data): the speed, and the steps it sends; the
// virtual board asks for them every frame (virtual/live.py's pace hook -> poll).
// Out: postMessage {lines} (the console and the world's "@" LED frames, whole lines),
// {input: t} (the virtual ms a step arrived at), {end}, {error}.
import { loadMicroPython } from "/npm/@micropython/micropython-webassembly-pyscript/micropython.mjs";

// ctl's slots (page.mjs has the same): SPEED (1, 10; 0: as fast as it goes), WAKE (the
// page bumps it to end a wait early), LEN (bytes of steps waiting in data; 0: none).
const SPEED = 0, WAKE = 1, LEN = 2;
const LAG_MS = 250; // further behind the wall than this: start pacing afresh
const POST_MS = 30; // lines go to the page in batches at most this often

let ctl, data;
let lines = [], part = [];
let lastPost = 0;
let wall0 = null, paceSpeed = 0;
const decoder = new TextDecoder();

function post(force) {
  const now = performance.now();
  if (lines.length && (force || now - lastPost >= POST_MS)) {
    postMessage({ lines });
    lines = [];
    lastPost = now;
  }
}

function stdout(bytes) {
  for (const c of bytes) {
    if (c === 10) {
      lines.push(decoder.decode(new Uint8Array(part)));
      part = [];
    } else part.push(c);
  }
}

// The pace hook's question every frame at virtual ms: waits until the wall clock
// catches up (1x, 10x), then returns what the page sent (JSON steps, one a line) or null.
function poll(ms) {
  post(false);
  for (;;) {
    const speed = Atomics.load(ctl, SPEED);
    if (!speed || Atomics.load(ctl, LEN)) break;
    const now = performance.now();
    if (speed !== paceSpeed || wall0 === null || now - (wall0 + ms / speed) > LAG_MS) {
      wall0 = now - ms / speed; // a new speed (or a slow tab) paces on from here
      paceSpeed = speed;
    }
    const due = wall0 + ms / speed;
    if (now >= due) break;
    Atomics.wait(ctl, WAKE, Atomics.load(ctl, WAKE), due - now);
  }
  const n = Atomics.load(ctl, LEN);
  if (!n) return null;
  const text = decoder.decode(data.slice(0, n)); // a copy: decode takes no shared memory
  Atomics.store(ctl, LEN, 0);
  postMessage({ input: ms });
  return text;
}

async function fetchBytes(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

onmessage = async ({ data: msg }) => {
  ({ ctl, data } = msg);
  try {
    const mp = await loadMicroPython({ linebuffer: false, stdout, stderr: stdout });
    for (const [dir, names] of Object.entries(msg.files)) {
      mp.FS.mkdirTree(`/${dir}`);
      const files = await Promise.all(names.map((n) => fetchBytes(`/${dir}/${n}`)));
      names.forEach((n, i) => mp.FS.writeFile(`/${dir}/${n}`, files[i]));
    }
    mp.FS.mkdirTree("/board");
    mp.FS.writeFile("/board/glide.json", JSON.stringify(msg.config));
    mp.FS.writeFile("/board/steps.jsonl", msg.steps.map((s) => JSON.stringify(s) + "\n").join(""));
    mp.registerJsModule("page", { poll });
    postMessage({ ready: true });
    // As vm.py runs a scenario: the console's bytes straight to stdout, no lines made
    // in the VM (it frees nothing until the run returns).
    mp.runPython(`import os, sys
os.chdir("/board")
sys.path[:0] = ["/virtual", "/fw"]
import boot, live, page
board = live.Live(boot.steps_file("steps.jsonl"), page.poll, ${msg.frame_ms})
boot.run(board, ${msg.end_ms}, sys.stdout.buffer, ${msg.frame_ms}, board)
`);
    if (part.length) stdout([10]);
    post(true);
    postMessage({ end: true });
  } catch (e) {
    if (part.length) stdout([10]);
    post(true);
    postMessage({ error: String(e?.message ?? e) });
  }
};
