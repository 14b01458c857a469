#!/usr/bin/env node
// glide sim --port --runtime micropython: the virtual board in the MicroPython VM with its
// console on a pty, whose master host_tools/simport.py passes open (non-blocking), its
// fd number in GLIDE_PTY_FD.
// Usage: node port.mjs [--mount HOSTDIR:/vmdir]... [--cwd /vmdir] CODE
// The VM blocks Node's event loop while the firmware runs, so the pty is read with
// readSync (EAGAIN: nothing yet) from the functions the VM's Python calls as the module
// `glideport` (ptyport.py): pace() on the virtual clock, repl() while stopped, which
// feeds the VM's own REPL (replProcessChar) a byte at a time.
import fs from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { mountAll, options } from "./mount.mjs";

const PTY = Number(process.env.GLIDE_PTY_FD);
const argv = process.argv.slice(2);
const opts = options(argv, "port.mjs");
const sleeper = new Int32Array(new SharedArrayBuffer(4));
const sleep = (ms) => Atomics.wait(sleeper, 0, 0, ms);  // a synchronous sleep

let out = [];  // the VM's console bytes, written to the pty at each newline or wait
let cooked = false;  // at the REPL: \n goes out as \r\n, as a board's REPL prints
let muted = false;
function put(bytes) {
  for (const c of bytes) {
    if (muted) continue;
    if (c === 10 && cooked && out[out.length - 1] !== 13) out.push(13);
    out.push(c);
    if (c === 10) flush();
  }
}
function flush() {
  if (!out.length) return;
  try {
    fs.writeSync(PTY, Buffer.from(out));
  } catch {
    // nobody reading and the pty full: a board's USB drops it too
  }
  out = [];
}

let pending = [];  // bytes read from the pty, not yet taken
function read(waitMs) {
  // Up to waitMs for input (0: what is there), into pending; true if any.
  const buf = Buffer.alloc(4096);
  const end = performance.now() + waitMs;
  for (;;) {
    try {
      const n = fs.readSync(PTY, buf, 0, buf.length);
      for (let i = 0; i < n; i++) pending.push(buf[i]);
      if (n) return true;
    } catch (e) {
      if (e.code !== "EAGAIN") throw e;
    }
    const left = end - performance.now();
    if (left <= 0) return false;
    sleep(Math.min(left, 2));  // input within 2 ms, a core's CPU spared
  }
}

const LAG_MS = 100;  // behind wall time by more (the host was busy): catch up no further
let wall0 = null;  // wall time at the virtual clock's ms 0
function behind(ms) {
  // Wall ms until virtual ms is due.
  const now = performance.now();
  if (wall0 === null || now - (wall0 + ms) > LAG_MS) wall0 = now - ms;
  return wall0 + ms - now;
}

let raw = false;  // the VM's REPL is in raw mode (seen in what it printed)
let recent = "";
const mp = await loadMicroPython({
  linebuffer: false,
  stdout: (b) => {
    put(b);
    recent = (recent + String.fromCharCode(...b)).slice(-40);
    if (recent.endsWith("raw REPL; CTRL-B to exit\r\n")) raw = true;
    else if (recent.endsWith("for more information.\r\n")) raw = false;
  },
  stderr: put, // a board's sys.stderr is its console, as sys.stdout
});
mountAll(mp, opts);

const CTRL_C = 3;
// After a reset, input is dropped this long, as a USB board is off the bus (a Pico ~1 s):
// mpremote's b"\r\x02" after its reset, up to ~200 ms late on a loaded machine, reached
// the rebooted firmware (ERR not printable ASCII, taken for glide send's reply).
const QUIET_MS = 500;
let stopped = false;  // from a Ctrl-C raised to the reboot: the REPL has the input
const RAW_PASTE = [5, 65, 1];  // b"\x05A\x01"
mp.registerJsModule("glideport", {
  // A clock hook's wait for wall time: "" (the ms is due), the input that came before
  // a Ctrl-C (a latin-1 string), or null: a Ctrl-C is next.
  pace(ms) {
    flush();
    if (stopped) return "";  // what follows a Ctrl-C is the REPL's
    for (;;) {
      if (pending.length) {
        const cut = pending.indexOf(CTRL_C);
        if (cut === 0) {
          stopped = true;
          return null;
        }
        const got = pending.splice(0, cut < 0 ? pending.length : cut);
        return String.fromCharCode(...got);
      }
      const wait = behind(ms);
      if (!read(Math.max(wait, 0)) && wait <= 0) return "";
    }
  },
  behind: (ms) => behind(ms),
  say(text) {
    process.stdout.write(`glide sim: ${text}\n`);
  },
  // The REPL: start() when the firmware has stopped (the Ctrl-C taken), then the
  // firmware's traceback, then banner(); run() feeds it
  // what came within 10 ms and returns 0, or what replProcessChar returned for a reboot
  // (1: Ctrl-D, sys.exit() or machine.reset()) plus 1 if in raw mode; end() at a reboot.
  start() {
    if (stopped) pending.shift();
    stopped = cooked = true;
  },
  banner: () => mp.replInit(),
  run() {
    flush();
    if (!pending.length) read(10);
    while (pending.length) {
      if (raw && pending[0] === 5 && pending.length < 3 && read(50)) continue;
      if (raw && RAW_PASTE.every((c, i) => pending[i] === c)) {
        // The port's event-driven raw REPL would read the paste with
        // mp_hal_stdin_rx_chr(), which is 0 there: the VM would loop for ever. Refuse
        // raw-paste as boards without it do; mpremote then sends plain raw REPL.
        pending.splice(0, 3);
        put([82, 0]);
        continue;
      }
      const wasRaw = raw;
      if (mp.replProcessChar(pending.shift())) return wasRaw ? 2 : 1;
    }
    flush();
    return 0;
  },
  soft_reboot() {
    // Ctrl-D on an empty raw REPL line: the REPL again, in raw mode, main.py not run.
    put(Buffer.from("MPY: soft reboot\r\n"));
    mp.replInit();
  },
  end(soft) {
    // A reboot: the REPL back in friendly mode for the next Ctrl-C (as after a reset),
    // what it says about that unseen; the port's buffers emptied, as a reset does.
    if (soft) put(Buffer.from("MPY: soft reboot\r\n"));
    muted = true;
    if (raw) mp.replProcessChar(2);
    muted = cooked = stopped = false;
    flush();
    const end = performance.now() + QUIET_MS;
    while (performance.now() < end) read(10);
    pending = [];
  },
});

let rc = 0;
try {
  mp.runPython(`import os\nos.chdir(${JSON.stringify(opts.cwd)})\n` + argv[0]);
} catch (e) {
  flush();
  if (e?.name === "PythonError") {
    process.stderr.write(e.message.endsWith("\n") ? e.message : e.message + "\n");
    rc = 1;
  } else {
    console.error(`port.mjs: the VM failed: ${e?.stack ?? e}`);
    rc = 2;
  }
}
flush();
process.exitCode = rc;
