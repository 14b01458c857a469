// The page: draws what the board in the worker (board.mjs) prints, and sends it the steps
// a hand makes (skin, buttons, typed commands) as a scenario's: [kind, value] in JSON.
// window.glide holds the run's log, LED frames and rate for the tests (tests/test_web.py).
const site = await (await fetch("/site.json")).json();
const SPEED = 0, WAKE = 1, LEN = 2; // ctl's slots, as board.mjs
const LIVE_END_MS = 1 << 29; // a live board runs on (6 days) until the page runs another
const WINDOW_MS = 60000; // the live plot's span
const MAX_POINTS = 30000; // a scenario's plot keeps this many status lines (50 min at 10 Hz)
const CONSOLE_LINES = 400;
const MAX_FRAMES = 3000; // the LED frames kept: a minute at 1x
const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();
const g = (window.glide = {});

let worker, ctl, data, queue, run, hz, cols, plotDirty, consoleLines, consoleDirty;

function fields(line) {
  const f = { kind: line.split(" ", 1)[0] };
  for (const kv of line.split(" ").slice(1)) {
    const i = kv.indexOf("=");
    if (i > 0) f[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return f;
}

function start(name) {
  worker?.terminate();
  const scn = site.scenarios.find((s) => s.name === name);
  run = scn ? scn.name : "live";
  const sab = new SharedArrayBuffer(16);
  ctl = new Int32Array(sab);
  data = new Uint8Array(new SharedArrayBuffer(4096));
  Atomics.store(ctl, SPEED, speed());
  queue = [];
  Object.assign(g, { run, log: [], frames: [], inputs: [], ended: false, error: null, ready: false,
                     rate: null });
  cols = { t: [], r: [], tg: [], env: [], out: [], st: [] };
  consoleLines = [];
  hz = 0;
  say(`# ${scn ? `scenario ${scn.name}: ${scn.title}` : "live: the skin slider, buttons and commands"}`);
  worker = new Worker("board.mjs", { type: "module" });
  worker.onmessage = ({ data: m }) => {
    if (m.lines) m.lines.forEach(line);
    if (m.input !== undefined) g.inputs.push(m.input);
    if (m.ready) g.ready = true;
    if (m.end) { g.ended = true; say("# the run ended"); }
    if (m.error) { g.error = m.error; say(`# the board stopped: ${m.error}`); }
    flush();
  };
  worker.postMessage({ ctl, data, files: site.files, frame_ms: site.frame_ms,
                       config: scn ? scn.config : site.board_config,
                       steps: scn ? scn.steps : [], end_ms: scn ? scn.end_ms : LIVE_END_MS });
}

function speed() {
  return Number(document.querySelector("input[name=speed]:checked").value);
}

// A step for the board; the worker takes them when it next polls (every frame).
function send(kind, value) {
  const step = JSON.stringify([kind, value]);
  if (kind === "skin" && queue.length && queue.at(-1).startsWith('["skin"')) queue.pop();
  queue.push(step);
  if (kind === "command" || kind === "send") say(`> ${value}`, "sent");
  flush();
}

function flush() {
  if (!queue.length || Atomics.load(ctl, LEN)) return; // the worker has not taken the last
  let n = 0; // as many steps as data holds; the rest at the next flush
  while (queue.length) {
    const bytes = encoder.encode(queue[0] + "\n");
    if (n + bytes.length > data.length) break;
    data.set(bytes, n);
    n += bytes.length;
    queue.shift();
  }
  if (!n) { say(`# too long for the board's input: ${queue.shift().slice(0, 80)}...`); return; }
  Atomics.store(ctl, LEN, n);
  Atomics.add(ctl, WAKE, 1);
  Atomics.notify(ctl, WAKE);
}
setInterval(() => flush(), 10);

function line(text) {
  if (text.startsWith("@ ")) {
    const f = fields(text);
    g.frames.push({ t: +f.t, out: +f.out, pos: +f.pos, neg: +f.neg, status: +f.status });
    if (g.frames.length > 2 * MAX_FRAMES) g.frames.splice(0, MAX_FRAMES);
    return;
  }
  g.log.push(text);
  say(text);
  const f = fields(text);
  if (f.kind === "G") hz = +f.hz;
  if (f.kind === "S" && f.out !== undefined) {
    for (const k of ["t", "r", "tg", "env", "out"]) cols[k].push(+f[k]);
    cols.r[cols.r.length - 1] = Math.max(cols.r.at(-1), 100); // 0 (a short) on a log axis
    cols.st.push(f.st);
    const keep = run === "live" ? cols.t.findIndex((t) => t >= f.t - WINDOW_MS)
      : Math.max(0, cols.t.length - MAX_POINTS);
    if (keep > 0) for (const k in cols) cols[k].splice(0, keep);
    plotDirty = true;
    $("ua").textContent = `${f.out} uA`;
    $("readout").textContent = `${f.st} ${f.md} level ${f.lv} | r=${f.r} ohm | ` +
      `target ${f.tg} envelope ${f.env} uA | t=${(f.t / 1000).toFixed(1)} s`;
  }
}

function say(text, cls) {
  consoleLines.push([text, cls]);
  if (consoleLines.length > CONSOLE_LINES) consoleLines.splice(0, consoleLines.length - CONSOLE_LINES);
  consoleDirty = true;
}

// The board's LEDs: the output LED's PWM duty is gamma 2 (firmware/hw.py duty), so its
// square root is the commanded uA over the device's maximum.
function drawFrame() {
  const f = g.frames?.at(-1);
  if (f) {
    const on = Math.sqrt(f.out / 65535);
    const led = $("led-out");
    led.classList.toggle("on", on > 0);
    led.style.opacity = on > 0 ? 0.25 + 0.75 * on : 1;
    $("led-pos").classList.toggle("on", f.pos === 1);
    $("led-neg").classList.toggle("on", f.neg === 1);
    $("led-status").classList.toggle("on", f.status === 1);
  }
  if (consoleDirty) {
    const pre = $("console");
    const stick = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    pre.replaceChildren(...consoleLines.map(([t, cls]) => {
      const s = document.createElement("span");
      s.textContent = t + "\n";
      if (cls) s.className = cls;
      return s;
    }));
    if (stick) pre.scrollTop = pre.scrollHeight;
    consoleDirty = false;
  }
  requestAnimationFrame(drawFrame);
}

// The rate: virtual seconds per wall second, and the loop's ticks per wall second.
let last = null;
setInterval(() => {
  const t = g.frames?.at(-1)?.t;
  const now = performance.now();
  if (t !== undefined && last && now > last.wall) {
    const x = (t - last.t) / (now - last.wall);
    g.rate = { x, ticks: x * hz };
    $("rate").textContent = `${x.toFixed(x < 10 ? 2 : 0)}x real time, ${Math.round(x * hz)} ticks/s`;
  }
  last = t === undefined ? null : { t, wall: now };
}, 1000);

// The plot: resistance on a log axis, target, envelope and output in uA, the state bands
// behind them in glide plot's colours.
function bands(u) {
  const { ctx, bbox } = u;
  let i = 0;
  while (i < cols.t.length) {
    let j = i;
    while (j + 1 < cols.t.length && cols.st[j + 1] === cols.st[i]) j++;
    const colour = site.states[cols.st[i]];
    if (colour) {
      const x0 = u.valToPos(cols.t[i] / 1000, "x", true);
      const x1 = u.valToPos(cols.t[Math.min(j + 1, cols.t.length - 1)] / 1000, "x", true);
      ctx.fillStyle = colour;
      ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 1), bbox.height);
    }
    i = j + 1;
  }
}

const NO_POINTS = { show: false };
const plot = new uPlot({
  width: $("plot").clientWidth || 800, height: 320,
  scales: { x: { time: false }, uA: { range: [0, 760] }, ohm: { distr: 3, range: [100, 3e6] } },
  axes: [{ label: "s" }, { scale: "uA", label: "uA" },
         { scale: "ohm", side: 1, label: "ohm", size: 70, grid: { show: false } }],
  series: [{ label: "t (s)" },
           { label: "resistance", scale: "ohm", stroke: "#555", width: 1, points: NO_POINTS },
           { label: "target", scale: "uA", stroke: "#1f77b4", dash: [6, 4], width: 1.2,
             points: NO_POINTS },
           { label: "envelope", scale: "uA", stroke: "#ff7f0e", width: 1.5, points: NO_POINTS },
           { label: "output", scale: "uA", stroke: "#2ca02c", width: 1, points: NO_POINTS }],
  hooks: { drawClear: [bands] },
}, [[], [], [], [], []], $("plot"));
setInterval(() => {
  if (!plotDirty) return;
  plotDirty = false;
  plot.setData([cols.t.map((t) => t / 1000), cols.r, cols.tg, cols.env, cols.out]);
}, 250);
addEventListener("resize", () => plot.setSize({ width: $("plot").clientWidth, height: 320 }));

// The controls
const ohm = (v) => Math.round(1000 * 2000 ** (v / 1000)); // the slider: 1 kohm..2 Mohm, log
const showOhm = (r) => { $("ohm").textContent = r >= 2e6 ? "open" : r ? `${(r / 1000).toFixed(1)} kohm` : "0 (unplugged)"; };
$("slider").addEventListener("input", (e) => {
  const r = ohm(+e.target.value);
  showOhm(r);
  send("skin", r >= 2e6 ? "open" : r);
});
$("lift").onclick = () => { $("slider").value = 1000; showOhm(2e6); send("skin", "open"); };
$("unplug").onclick = () => { showOhm(0); send("skin", 0); };
$("moisten").onclick = () => {
  const r = ohm(+$("slider").value);
  if (r >= 2e6) return;
  const to = Math.max(1000, Math.round(r / 4));
  $("slider").value = Math.round(1000 * Math.log(to / 1000) / Math.log(2000));
  showOhm(to);
  send("drift", [20000, r, to]);
};
for (const name of ["contact", "mode"]) {
  const b = $(`btn-${name}`);
  let down = null;
  b.onpointerdown = () => { down = performance.now(); b.classList.add("held"); };
  // the press lasts as long as it was held (a long press on mode: 1 s or more)
  b.onpointerup = () => {
    if (down === null) return;
    send("press", [name, Math.max(50, Math.round(performance.now() - down))]);
    down = null;
    b.classList.remove("held");
  };
}
$("start").onclick = () => send("command", "start");
$("stop").onclick = () => send("command", "stop");
$("reset").onclick = () => send("command", "reset");
$("level").onchange = (e) => send("command", `level ${e.target.value}`);
$("mode").onchange = (e) => send("command", `mode ${e.target.value}`);
$("cmdline").onsubmit = (e) => {
  e.preventDefault();
  const text = $("cmd").value.trim();
  if (text) send("command", text);
  $("cmd").value = "";
};
for (const s of site.scenarios) $("scenario").add(new Option(`${s.name}: ${s.title}`, s.name));
$("play").onclick = () => start($("scenario").value);
for (const r of document.querySelectorAll("input[name=speed]")) {
  r.onchange = () => {
    Atomics.store(ctl, SPEED, speed());
    Atomics.add(ctl, WAKE, 1);
    Atomics.notify(ctl, WAKE);
  };
}
$("download").onclick = () => {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([g.log.join("\n") + "\n"], { type: "text/plain" }));
  a.download = `glide-${run}.log`;
  a.click();
  URL.revokeObjectURL(a.href);
};

start("");
requestAnimationFrame(drawFrame);
