"""The fuzz suite: generated command streams and glide.json texts through the firmware on
CPython and in the MicroPython VM, invariants checked inside (driver.py), results compared
line by line. Used by tests/test_fuzz.py, tests/test_differential.py and `make fuzz`
(python -m fuzz, with tests/ on the path).
"""
import contextlib
import glob
import io
import os
import re
import tempfile
import threading

from host_tools import firmware_path, vm

firmware_path()

from . import driver, gen  # noqa: E402

# The driver's and the firmware's text as this process loaded them, for the VM: an
# edit in the checkout during a long run must not make the runtimes run different code.
SOURCES = {}
for _path in [driver.__file__] + glob.glob(os.path.join(firmware_path(), "*.py")):
    with open(_path) as _f:
        SOURCES[os.path.basename(_path)] = _f.read()
SOURCES["fuzz_driver.py"] = SOURCES.pop("driver.py")
NAMES = {"C": "command", "F": "glide.json"}
SEED = 9  # the quick run's (make test)
QUICK = {"C": 1200, "F": 1200}  # streams a path in make test: ~9 s of CPU on two cores
# Streams per VM process: the WebAssembly port frees nothing inside a run (its gc does
# not collect there): a batch of 2,000 command streams leaves ~60 MB behind.
BATCH = 2000
CHUNK = 10000  # streams a path between two progress lines of make fuzz
# Each glide.json stream writes and opens a file: 1.6 ms an open on this machine's ext4
# /tmp, 0.03 ms in memory.
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else None


def cpython(streams, dump=-1):
    """The driver's output lines for streams, run in this process."""
    with tempfile.TemporaryDirectory(prefix="glide-fuzz-", dir=SHM) as d:
        with open(os.path.join(d, "corpus.txt"), "w") as f:
            f.writelines(s + "\n" for s in streams)
        out = io.StringIO()
        # In d, as the VM is in its board folder: config errors name the file.
        with contextlib.redirect_stdout(out), contextlib.chdir(d):
            driver.main("corpus.txt", "glide.json", dump)
    return out.getvalue().splitlines()


def micropython(streams, dump=-1):
    """The same in the MicroPython VM, one process a batch; stream numbers run on."""
    lines = []
    for start in range(0, len(streams), BATCH):
        with tempfile.TemporaryDirectory(prefix="glide-fuzz-") as board:
            # run.mjs copies .py and .json files into the VM; the corpus is text lines.
            with open(os.path.join(board, "corpus.json"), "w") as f:
                f.writelines(s + "\n" for s in streams[start:start + BATCH])
            for name, text in SOURCES.items():
                with open(os.path.join(board, name), "w") as f:
                    f.write(text)
            got = []
            vm.run_code("sys.path.insert(0, '/board')\nimport fuzz_driver\n"
                        "fuzz_driver.main('corpus.json', 'glide.json', %d)\n"
                        % (dump - start if dump >= 0 else -1), got.append, board)
        for line in got:
            if dump < 0:
                n, rest = line.split(" ", 1)
                line = "%d %s" % (int(n) + start, rest)
            lines.append(line)
    return lines


def run(corpora, dump=-1):
    """{kind: (CPython's lines, the VM's lines)} for {kind: streams}: one VM thread a kind
    (the VM is the slower runtime by ~10x), CPython in this thread meanwhile."""
    res = {}

    def in_vm(kind):
        try:
            res[kind] = micropython(corpora[kind], dump)
        except Exception as e:  # noqa: BLE001  re-raised below, in the caller's thread
            res[kind] = e
    threads = [threading.Thread(target=in_vm, args=(k,)) for k in corpora]
    for t in threads:
        t.start()
    cp = {k: cpython(corpora[k], dump) for k in corpora}
    for t in threads:
        t.join()
    for k in corpora:
        if isinstance(res[k], Exception):
            raise res[k]
    return {k: (cp[k], res[k]) for k in corpora}


def both(streams, dump=-1):
    """(CPython's lines, the VM's lines) for streams."""
    return run({"": streams}, dump)[""]


def failures(lines):
    """{stream's place in lines: reason} for the driver's FAIL lines."""
    out = {}
    for i, line in enumerate(lines):
        _, what, *rest = line.split(" ", 2)
        if what == "FAIL":
            out[i] = rest[0] if rest else ""
    return out


def mismatches(cp, mp):
    """The places of the streams whose lines differ between the runtimes."""
    if len(cp) != len(mp):
        return list(range(min(len(cp), len(mp)), max(len(cp), len(mp))))
    return [i for i, (a, b) in enumerate(zip(cp, mp)) if a != b]


def shrink(stream, fails, tries=40):
    """A smaller stream that fails(list of streams) -> index of a failing one still finds:
    ops (command streams) or byte ranges (glide.json texts) taken out, a batch at a time."""
    for _ in range(tries):
        words = stream.split(" ")
        if words[0] == "C":
            head, ops = words[:9], words[9:]
            cands = [" ".join(head + ops[:i] + ops[i + 1:]) for i in range(len(ops))]
        else:
            # Halves first, then quarters... down to single bytes (32 places a size).
            data = bytes.fromhex(words[1] if len(words) > 1 else "")
            cands = []
            size = len(data) // 2 or len(data)
            while size:
                step = max(size, len(data) // 32)
                cands += ["F " + (data[:i] + data[i + size:]).hex()
                          for i in range(0, len(data), step)]
                size //= 2
        if not cands:
            return stream
        i = fails(cands)
        if i is None:
            return stream
        stream = cands[i]
    return stream


def first_diff(stream):
    """(line number, CPython's line, the VM's line) where stream's output first differs."""
    cp, mp = both([stream], 0)
    for i in range(max(len(cp), len(mp))):
        a = cp[i] if i < len(cp) else "<none>"
        b = mp[i] if i < len(mp) else "<none>"
        if a != b:
            return i, a, b
    return None


def explain(seed, kind, streams, cp, mp, limit=3, first=0):
    """A report of the failures and mismatches in cp/mp for the streams generated from seed
    (numbered from first): the seed, each bad stream's number, what went wrong, and the
    stream minimised."""
    out = []
    fail_cp, fail_mp = failures(cp), failures(mp)
    bad = sorted(set(fail_cp) | set(fail_mp) | set(mismatches(cp, mp)))
    out.append("seed %d, %s streams %d..%d: %d bad (%d fail on CPython, %d in the VM, %d differ)"
               % (seed, NAMES[kind], first, first + len(streams) - 1, len(bad), len(fail_cp),
                  len(fail_mp), len(mismatches(cp, mp))))
    for n in bad[:limit]:
        out.append("stream %d: CPython: %s" % (first + n, cp[n].split(" ", 1)[1] if n < len(cp) else "<none>"))
        out.append("stream %d: VM:      %s" % (first + n, mp[n].split(" ", 1)[1] if n < len(mp) else "<none>"))
        sig = _signature(cp[n:n + 1], mp[n:n + 1])
        if sig[0] and sig[0] == sig[1]:  # CPython alone shows it: quicker
            s = shrink(streams[n], lambda c: _same(sig[:1], cpython(c)))
        else:
            s = shrink(streams[n], lambda c: _same(sig, *both(c)))
        if sig[2]:
            d = first_diff(s)
            if d:
                out.append("  output line %d: CPython %r, VM %r" % d)
        out.append("  minimised: %s" % describe(s))
    return "\n".join(out)


_quick = {}


def quick():
    """{kind: (streams, CPython's lines, the VM's lines)} of the quick run, run once for
    tests/test_fuzz.py and tests/test_differential.py."""
    if not _quick:
        corpora = {k: gen.corpus(SEED, n, k) for k, n in QUICK.items()}
        for k, (cp, mp) in run(corpora).items():
            _quick[k] = (corpora[k], cp, mp)
    return _quick


def _signature(cp, mp=None):
    # What went wrong with one stream: each runtime's failure without its figures (the
    # exception's name, or the invariant), and whether the two differ; CPython's alone
    # without mp.
    def kind(lines):
        why = failures(lines).get(0)
        return None if why is None else re.sub(r"\d+", "N", why.split(":")[0])
    if mp is None:
        return (kind(cp),)
    return kind(cp), kind(mp), cp != mp


def _same(sig, cp, mp=None):
    # The first of the candidate streams whose result goes wrong as sig says, or None.
    for i in range(len(cp)):
        if _signature(cp[i:i + 1], None if mp is None else mp[i:i + 1]) == sig:
            return i
    return None


def describe(stream):
    """A stream in readable form: hex decoded."""
    words = stream.split(" ")
    if words[0] == "F":
        return "glide.json %r" % bytes.fromhex(words[1] if len(words) > 1 else "")[:400]
    parts = words[:9]
    for op in words[9:]:
        if op[0] in "ih":
            parts.append(op[0] + repr(bytes.fromhex(op[1:])))
        else:
            parts.append(op)
    return " ".join(parts)
