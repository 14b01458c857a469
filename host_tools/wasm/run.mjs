#!/usr/bin/env node
// Runs Python code inside the official MicroPython VM (the WebAssembly port on npm).
// Usage: node run.mjs [--mount HOSTDIR:/vmdir]... [--cwd /vmdir] CODE|-
// Mounts copy host folders into the VM's in-memory filesystem; CODE (or stdin, for "-":
// an argument of ~200 KB is past what the OS takes) runs as __main__, its output
// streams to stdout line by line. Exit status: 0, or 1 with the traceback
// on stderr if the code raised, or 2 if the VM itself failed.
import fs from "node:fs";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";
import { mountAll, options } from "./mount.mjs";

const argv = process.argv.slice(2);
const opts = options(argv, "run.mjs");
if (argv.length !== 1) {
  console.error("usage: node run.mjs [--mount HOSTDIR:/vmdir]... [--cwd /vmdir] CODE|-");
  process.exit(2);
}
const code = argv[0] === "-" ? fs.readFileSync(0, "utf8") : argv[0];

// The VM hands over output a byte at a time (linebuffer: false, because the
// line-buffered mode drops a last line without "\n"); write whole lines at once.
function sink(stream) {
  let buf = [];
  return {
    put(bytes) {
      for (const c of bytes) {
        buf.push(c);
        if (c === 10) { stream.write(Buffer.from(buf)); buf = []; }
      }
    },
    flush() { if (buf.length) { stream.write(Buffer.from(buf)); buf = []; } },
  };
}
const out = sink(process.stdout);
const err = sink(process.stderr);

let mp;
try {
  mp = await loadMicroPython({
    linebuffer: false,
    stdout: (b) => out.put(b),
    stderr: (b) => err.put(b),
  });
} catch (e) {
  console.error(`run.mjs: cannot load the MicroPython VM: ${e}`);
  process.exit(2);
}

mountAll(mp, opts);

let rc = 0;
try {
  mp.runPython(`import os\nos.chdir(${JSON.stringify(opts.cwd)})\n` + code);
} catch (e) {
  out.flush();
  if (e?.name === "PythonError") {
    process.stderr.write(e.message.endsWith("\n") ? e.message : e.message + "\n");
    rc = 1;
  } else {
    console.error(`run.mjs: the VM failed: ${e?.stack ?? e}`);
    rc = 2;
  }
}
out.flush();
err.flush();
process.exitCode = rc;
