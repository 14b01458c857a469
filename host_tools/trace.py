"""Parse glide's serial log (line format version 1, see docs/protocol.md)."""
import csv
import json
import sys

KINDS = ("G", "S", "E", "T", "D")
INT_KEYS = {"t", "lv", "r", "tg", "env", "out", "ph", "code", "val", "glide", "hz", "max",
            "abs", "vmax", "slew", "adapt", "stop", "make", "brk", "session", "overrun", "status",
            "drop", "open"}


# Fields every record of a kind has: a line missing any was cut short (a board reset
# mid-line) and is not parsed as that kind.
REQUIRED = {
    "G": ("glide", "hz", "caps", "max", "abs", "vmax", "slew", "adapt", "stop", "make", "brk",
          "session", "overrun", "status"),
    "S": ("t", "st", "md", "lv", "r", "tg", "env", "out", "ph"),
    "E": ("t", "ev", "st", "out"),
    "T": ("t",),
    "D": ("drop",),  # lines the board's log buffer lost before the next line
}


class Record(dict):
    """One parsed log line: its kind ('G', 'S', 'E', 'T', 'OK', 'ERR', '#') and fields."""

    def __init__(self, kind, fields, text, lineno):
        super().__init__(fields)
        self.kind = kind
        self.text = text
        self.lineno = lineno


def parse_line(text, lineno=0):
    """Return a Record, or None for a line that is not (whole) glide output."""
    text = text.rstrip("\r\n")
    word, _, rest = text.partition(" ")
    if word in ("OK", "ERR", "#"):
        return Record(word, {"msg": rest}, text, lineno)
    if word not in KINDS:
        return None
    fields = {}
    while rest:
        if rest.startswith("msg="):
            fields["msg"] = rest[4:]
            break
        item, _, rest = rest.partition(" ")
        key, eq, value = item.partition("=")
        if not eq:
            return None
        if key in INT_KEYS:
            try:
                value = int(value)
            except ValueError:
                return None
        fields[key] = value
    if any(k not in fields for k in REQUIRED[word]):
        return None
    return Record(word, fields, text, lineno)


def parse(lines):
    """Yield Records from an iterable of lines, skipping what is not glide output."""
    for n, text in enumerate(lines, 1):
        rec = parse_line(text, n)
        if rec is not None:
            yield rec


def file_format(path):
    """'jsonl', 'csv' or 'text': how glide monitor records to path, by its extension."""
    for ext in ("jsonl", "csv"):
        if path.lower().endswith("." + ext):
            return ext
    return "text"


def read_lines(path):
    """Yield the log lines of a trace file ('-' for stdin): a plain serial log, or a
    glide monitor recording in .jsonl or .csv, whose "line" field is the log line.
    Raises OSError, or ValueError naming the file for a .csv that is not a recording."""
    if path == "-":
        yield from sys.stdin
        return
    fmt = file_format(path)
    with open(path, encoding="utf-8", errors="replace", newline="" if fmt == "csv" else None) as f:
        if fmt == "text":
            yield from f
        elif fmt == "csv":
            yield from _csv_lines(f, path)
        else:
            for row in f:
                try:
                    line = json.loads(row)["line"]
                except (ValueError, KeyError, TypeError):
                    # A row cut short by a crash mid-write: like a torn line in a
                    # plain log, it is not glide output.
                    continue
                if isinstance(line, str):
                    yield line


def _csv_lines(f, path):
    rows = csv.reader(f)
    try:
        head = next(rows, [])
        if "line" not in head:
            raise ValueError("%s: not a glide monitor .csv recording: its first row names no "
                             "'line' column (host_time,kind,line); a plain log wants another "
                             "extension" % path)
        col = head.index("line")
        for row in rows:
            if len(row) > col:  # a row cut short by a crash mid-write is not glide output
                yield row[col]
    except csv.Error as e:  # a field past csv's 128 KB limit
        raise ValueError("%s line %d: %s" % (path, rows.line_num, e))


def read(path):
    """Records of a trace file in any of the formats of read_lines()."""
    return list(parse(read_lines(path)))
