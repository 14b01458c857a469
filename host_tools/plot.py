"""glide plot: draw a serial log: resistance, target, envelope, output and state over time.

Marks contact loss and faults, and zooms on each mode's waveform. The waveforms need a
status line every tick or two to show (a board config with "status_ms": 5).
"""
import sys

from . import trace as tr

STATE_COLOURS = {"SEEK": "#dde8f5", "RAMP": "#fbe3c4", "TREAT": "#d7efd3", "STOP": "#ece0f3",
                 "FAULT": "#f6c9c9"}
ZOOM_MS = 1200  # each mode's waveform panel


def series(records):
    """Status lines as columns, plus the events worth marking, from the last header on."""
    cols = {k: [] for k in ("t", "r", "tg", "env", "out", "st", "md")}
    marks = []
    hdr = None
    for rec in records:
        if rec.kind == "G":
            hdr = rec
            cols = {k: [] for k in cols}
            marks = []
        elif rec.kind == "S" and "out" in rec:
            for k in cols:
                cols[k].append(rec[k])
        elif rec.kind == "E" and rec.get("ev") in ("BREAK", "FAULT", "CONTACT", "AUTOOFF",
                                                  "STOP", "MODE", "LEVEL"):
            marks.append(rec)
    return hdr, cols, marks


def spans(ts, values):
    """(start, end, value) runs of equal values."""
    out = []
    for i, v in enumerate(values):
        if out and out[-1][2] == v:
            out[-1][1] = ts[i]
        else:
            out.append([ts[i], ts[i], v])
    return out


def draw(records, path, title=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    hdr, c, marks = series(records)
    if not c["t"]:
        raise ValueError("no status lines to plot")
    t = [x / 1000 for x in c["t"]]
    modes = []
    for start, end, md in spans(c["t"], c["md"]):
        # zoom where the mode runs at full envelope (TREAT), else where it first outputs
        seg = [i for i, x in enumerate(c["t"]) if start <= x <= end and c["st"][i] == "TREAT"] or \
            [i for i, x in enumerate(c["t"]) if start <= x <= end and c["out"][i] > 0]
        if seg and md not in [m for m, _ in modes]:
            modes.append((md, seg[0]))
    fig = plt.figure(figsize=(12, 8.5), layout="constrained")
    grid = fig.add_gridspec(3, max(1, len(modes)), height_ratios=[1, 2, 1.2])
    ax_r = fig.add_subplot(grid[0, :])
    ax = fig.add_subplot(grid[1, :], sharex=ax_r)
    ax_r.semilogy(t, [max(r, 1) for r in c["r"]], color="#555", lw=1, label="resistance")
    if hdr:
        ax_r.axhline(hdr["make"], color="green", ls=":", lw=1, label="make %d kohm" % (hdr["make"] // 1000))
        ax_r.axhline(hdr["brk"], color="red", ls=":", lw=1, label="break %d kohm" % (hdr["brk"] // 1000))
    ax_r.set_ylabel("resistance (ohm)")
    ax_r.legend(loc="upper right", fontsize=8, ncol=3)
    for start, end, st in spans(c["t"], c["st"]):
        if st in STATE_COLOURS:
            ax.axvspan(start / 1000, end / 1000, color=STATE_COLOURS[st], lw=0)
            if end > start:
                ax.text((start + end) / 2000, 0.02, st, transform=ax.get_xaxis_transform(),
                        ha="center", va="bottom", fontsize=7, color="#444", clip_on=True)
    ax.plot(t, c["tg"], color="#1f77b4", lw=1.2, ls="--", label="target (adaptive)")
    ax.plot(t, c["env"], color="#ff7f0e", lw=1.5, label="envelope (soft start)")
    ax.plot(t, c["out"], color="#2ca02c", lw=0.8, label="output")
    if hdr:
        ax.axhline(hdr["max"], color="black", lw=0.8, ls="-.", label="device max %d uA" % hdr["max"])
    for e in marks:
        colour = {"BREAK": "red", "FAULT": "darkred", "CONTACT": "green"}.get(e["ev"], "gray")
        ax.axvline(e["t"] / 1000, color=colour, lw=0.8, ls="-" if e["ev"] == "FAULT" else ":")
        if e["ev"] in ("BREAK", "FAULT"):
            ax.text(e["t"] / 1000, 0.55, " contact lost" if e["ev"] == "BREAK" else " fault",
                    transform=ax.get_xaxis_transform(), color=colour, fontsize=8, rotation=90,
                    va="bottom")
    ax.set_ylabel("current (uA)")
    ax.set_xlabel("time (s)")
    ax.set_ylim(0, (hdr["max"] if hdr else max(c["out"] + [1])) * 1.12)
    ax.legend(loc="upper left", fontsize=8, ncol=4)
    step = (c["t"][-1] - c["t"][0]) / max(1, len(c["t"]) - 1)
    for i, (md, first) in enumerate(modes):
        z = fig.add_subplot(grid[2, i])
        t0 = c["t"][first]
        idx = [j for j in range(first, len(c["t"])) if c["t"][j] < t0 + ZOOM_MS]
        z.step([(c["t"][j] - t0) for j in idx], [c["out"][j] for j in idx], where="post",
               color="#2ca02c", lw=1)
        z.set_ylim(0, (hdr["max"] if hdr else max(c["out"]) or 1) * 1.05)
        z.set_title("%s from %.1f s" % (md, t0 / 1000), fontsize=9)
        z.set_xlabel("ms", fontsize=8)
        z.tick_params(labelsize=7)
        if step > 10:
            z.text(0.5, 0.5, "status every %d ms:\nwaveform aliased" % step, ha="center",
                   transform=z.transAxes, fontsize=8, color="gray")
    fig.suptitle(title or "glide trace", fontsize=11)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def add_arguments(p):
    p.add_argument("trace", help="a recorded serial log (text, .csv or .jsonl)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.png", help="image to write")
    p.add_argument("--title", help="title (default: the trace's file name)")


def run(args):
    try:
        records = tr.read(args.trace)
        draw(records, args.output, args.title or args.trace)
    except (OSError, ValueError) as e:
        print("glide plot: %s" % e, file=sys.stderr)
        return 2
    print("wrote %s" % args.output)
    return 0
