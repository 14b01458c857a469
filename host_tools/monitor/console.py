"""Commands typed on the terminal, sent to the board line by line."""
import codecs
import os


class Console:
    """Sends lines typed on stdin to the board, on its own thread.

    lines(): the terminal echoes and edits the line. keys(): for the live display, the
    terminal is in cbreak mode and the line being typed shows after the status line,
    which would otherwise overwrite the terminal's echo ten times a second.
    """

    def __init__(self, send, wake=lambda: None):
        self.send, self.wake = send, wake
        self.typed = ""

    def lines(self, stream):
        for text in stream:
            text = text.rstrip("\r\n")
            if text.strip():
                self.send(text)

    def keys(self, fd):
        decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        while True:
            try:
                data = os.read(fd, 64)
            except OSError:
                return
            if not data:
                return
            for ch in decode(data):
                if ch in "\r\n":
                    text, self.typed = self.typed, ""
                    if text.strip():
                        self.send(text)
                elif ch in "\x7f\b":
                    self.typed = self.typed[:-1]
                elif ch == "\x15":  # Ctrl-U, as in a shell
                    self.typed = ""
                elif ch >= " ":
                    self.typed += ch
            self.wake()
