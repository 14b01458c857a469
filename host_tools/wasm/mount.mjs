// Copies host folders into the MicroPython VM's in-memory filesystem: what run.mjs and
// port.mjs share. Only .py, .json and .jsonl files (no __pycache__ or node_modules).
import fs from "node:fs";
import path from "node:path";

export function copyTree(mp, src, dst) {
  mp.FS.mkdirTree(dst);
  for (const ent of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, ent.name);
    if (ent.isDirectory() && ent.name !== "__pycache__" && ent.name !== "node_modules") {
      copyTree(mp, s, `${dst}/${ent.name}`);
    } else if (ent.isFile() && /\.(py|json|jsonl)$/.test(ent.name)) {
      mp.FS.writeFile(`${dst}/${ent.name}`, fs.readFileSync(s));
    }
  }
}

// --mount HOSTDIR:/vmdir... [--cwd /vmdir] from argv (taken off it): {mounts, cwd}.
export function options(argv, usage) {
  const mounts = [];
  let cwd = "/";
  while (argv[0]?.startsWith("--")) {
    const opt = argv.shift();
    if (opt === "--mount") mounts.push(argv.shift().split(":"));
    else if (opt === "--cwd") cwd = argv.shift();
    else { console.error(`${usage}: unknown option ${opt}`); process.exit(2); }
  }
  return { mounts, cwd };
}

export function mountAll(mp, { mounts, cwd }) {
  for (const [host, vm] of mounts) copyTree(mp, path.resolve(host), vm);
  mp.FS.mkdirTree(cwd);
}
