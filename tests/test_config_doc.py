"""docs/boards.md's table of glide.json settings is rendered from firmware/config.py's own
tables (INTS, BOOLS, PINS), each row's meaning from its comment there, so the two cannot
drift: this test fails when they differ and says how to regenerate the table."""
import os
import re

import config
from limits import DEVICE_MAX_UA, LEVEL_CAPS
from waveform import NAMES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "boards.md")
UPDATE = "GLIDE_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/test_config_doc.py"
BEGIN = "<!-- settings: rendered from firmware/config.py by `%s` -->\n" % UPDATE
END = "<!-- end of settings -->\n"


def comments():
    """{key: the comment on its row} from config.py's INTS and BOOLS."""
    with open(config.__file__) as f:
        return dict(re.findall(r'^\s+\("(\w+)", [^#\n]*\),\s+# (.*)$', f.read(), re.M))


def table():
    why = comments()
    rows = ["| key | default | range | meaning |", "| --- | --- | --- | --- |"]
    for key, default, lo, hi in config.INTS:
        rows.append("| %s | %d | %d..%d | %s |" % (key, default, lo, hi, why[key]))
    rows.append("| levels | %s | 1..5 rising caps, each 1..%d | level caps, uA |"
                % (list(LEVEL_CAPS), DEVICE_MAX_UA))
    rows.append('| mode | "%s" | %s | mode at boot |' % (NAMES[0], ", ".join(NAMES)))
    for key, default in config.BOOLS:
        rows.append("| %s | %s | true, false | %s |" % (key, str(default).lower(), why[key]))
    rows.append("| pins | {} | %s | pin overrides: a number from 0 up to the board's highest, or "
                "a name of 1..12 letters, digits and _ |" % ", ".join(config.PINS))
    return "\n".join(rows) + "\n"


def test_the_settings_table_in_the_docs_is_config_pys():
    with open(DOC) as f:
        doc = f.read()
    assert BEGIN in doc and END in doc, "docs/boards.md lost its settings markers"
    head, rest = doc.split(BEGIN)
    now, tail = rest.split(END)
    if os.environ.get("GLIDE_UPDATE_DOCS"):
        with open(DOC, "w") as f:
            f.write(head + BEGIN + table() + END + tail)
        now = table()
    assert now == table(), "docs/boards.md's settings differ from firmware/config.py: run " + UPDATE


def test_every_setting_has_its_meaning_in_config_py():
    assert sorted(comments()) == sorted([r[0] for r in config.INTS] + [r[0] for r in config.BOOLS])
