"""make fuzz: the long run. python -m fuzz [--seed N] [--streams N] with tests/ on the path.

Streams of each path go through both runtimes in chunks (one VM process a batch); the
counts so far are printed after each chunk, and every bad stream with the seed, its
number and the stream minimised. Exit status 1 if any stream failed or differed.
"""
import argparse
import itertools
import sys
import time

from . import CHUNK, NAMES, explain, failures, gen, mismatches, run


def main(argv=None):
    ap = argparse.ArgumentParser(prog="make fuzz", description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--streams", type=int, default=100000, help="streams a path (default 100000)")
    ap.add_argument("--paths", default="CF", help="C: commands, F: glide.json texts (default CF)")
    args = ap.parse_args(argv)
    print("make fuzz: seed %d, %d streams a path (%s)"
          % (args.seed, args.streams, ", ".join(NAMES[k] for k in args.paths)), flush=True)
    its = {k: gen.streams(args.seed, k) for k in args.paths}
    done = dict.fromkeys(args.paths, 0)
    bad = dict.fromkeys(args.paths, 0)
    t0 = time.monotonic()
    while min(done.values()) < args.streams:
        n = min(CHUNK, args.streams - min(done.values()))
        corpora = {k: list(itertools.islice(its[k], n)) for k in args.paths}
        for k, (cp, mp) in run(corpora).items():
            worse = set(failures(cp)) | set(failures(mp)) | set(mismatches(cp, mp))
            if worse:
                print(explain(args.seed, k, corpora[k], cp, mp, first=done[k]), flush=True)
            bad[k] += len(worse)
            done[k] += n
        print("%5.0f s: %s" % (time.monotonic() - t0, ", ".join(
            "%d %s streams (%d bad)" % (done[k], NAMES[k], bad[k]) for k in args.paths)),
            flush=True)
    print("make fuzz: seed %d: %s in %.0f s" % (args.seed, ", ".join(
        "%d %s streams, %d bad" % (done[k], NAMES[k], bad[k]) for k in args.paths),
        time.monotonic() - t0))
    return 1 if sum(bad.values()) else 0


sys.exit(main())
