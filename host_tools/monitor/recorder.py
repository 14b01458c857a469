"""The recording: every line with its host time, in plain text, .jsonl or .csv."""
import csv
import json
import threading

from .. import trace


class Recorder:
    """Appends every line with its host time to a file: plain text, .jsonl or .csv."""

    def __init__(self, path):
        self.path = path
        self.format = trace.file_format(path)
        self._lock = threading.Lock()  # lines from the reader thread, commands sent from another
        self.f = open(path, "a", encoding="utf-8", newline="" if self.format == "csv" else None)
        if self.format == "csv":
            self.csv = csv.writer(self.f)
            if self.f.tell() == 0:
                self.csv.writerow(("host_time", "kind", "line"))

    def write(self, line):
        with self._lock:
            self._write(line)

    def _write(self, line):
        stamp = line.time.isoformat(timespec="milliseconds")
        if self.format == "jsonl":
            row = {"host_time": stamp, "line": line.text}
            if line.rec is not None:
                row["kind"] = line.rec.kind
                for key, value in line.rec.items():
                    row.setdefault(key, value)
            self.f.write(json.dumps(row) + "\n")
        elif self.format == "csv":
            self.csv.writerow((stamp, line.rec.kind if line.rec is not None else "", line.text))
        else:
            self.f.write(line.text + "\n")
        self.f.flush()  # a crash, of this tool or of the PC, loses no line already received

    def close(self):
        self.f.close()
