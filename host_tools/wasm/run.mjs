#!/usr/bin/env node
// Runs Python code inside the official MicroPython VM (the WebAssembly port on npm).
// Usage: node run.mjs [--mount HOSTDIR:/vmdir]... [--cwd /vmdir] CODE|-
// Mounts copy host folders into the VM's in-memory filesystem; CODE (or stdin, for "-":
// an argument of ~200 KB is past what the OS takes) runs as __main__, its output
// streams to stdout line by line. Exit status: 0, or 1 with the traceback
// on stderr if the code raised, or 2 if the VM itself failed.
import fs from "node:fs";
import path from "node:path";
import { loadMicroPython } from "@micropython/micropython-webassembly-pyscript";

const argv = process.argv.slice(2);
const mounts = [];
let cwd = "/";
while (argv[0]?.startsWith("--")) {
  const opt = argv.shift();
  if (opt === "--mount") mounts.push(argv.shift().split(":"));
  else if (opt === "--cwd") cwd = argv.shift();
  else { console.error(`run.mjs: unknown option ${opt}`); process.exit(2); }
}
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

function copyTree(src, dst) {
  mp.FS.mkdirTree(dst);
  for (const ent of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, ent.name);
    if (ent.isDirectory() && ent.name !== "__pycache__" && ent.name !== "node_modules") {
      copyTree(s, `${dst}/${ent.name}`);
    } else if (ent.isFile() && /\.(py|json|jsonl)$/.test(ent.name)) {
      mp.FS.writeFile(`${dst}/${ent.name}`, fs.readFileSync(s));
    }
  }
}
for (const [host, vm] of mounts) copyTree(path.resolve(host), vm);
mp.FS.mkdirTree(cwd);

let rc = 0;
try {
  mp.runPython(`import os\nos.chdir(${JSON.stringify(cwd)})\n` + code);
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
