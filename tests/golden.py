"""Golden traces: the committed serial log of each scenario, compared byte for byte.

Regenerate after a deliberate change with: GLIDE_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""
import os

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
UPDATE = os.environ.get("GLIDE_UPDATE_GOLDEN") == "1"
# auto-off runs 20 minutes (12,000 status lines): checked by the checker, not stored
SKIP = ("auto-off",)


def compare(name, lines, runtime):
    """Assert lines equal the golden trace of scenario name, naming the first difference.

    Loop timing lines (T) are left out: their figures belong to the runtime.
    """
    lines = [l for l in lines if not l.startswith("T ")]
    path = os.path.join(DIR, name + ".log")
    if UPDATE:
        os.makedirs(DIR, exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
    with open(path, encoding="utf-8") as f:
        want = f.read().splitlines()
    for i, (a, b) in enumerate(zip(want, lines), 1):
        if a != b:
            raise AssertionError("%s on %s differs from %s at line %d:\n  golden:  %s\n  %s: %s"
                                 % (name, runtime, path, i, a, runtime, b))
    assert len(want) == len(lines), "%s on %s: %d lines, golden has %d" % (
        name, runtime, len(lines), len(want))
