"""Commands typed on the terminal, sent to the board line by line."""
from prompt_toolkit import PromptSession
from prompt_toolkit.history import InMemoryHistory


class Console:
    """Sends the lines typed on stdin to the board.

    lines(): stdin is not a terminal, or the terminal is not live: each line as it comes.
    prompt(): the live terminal: prompt_toolkit's line editor, with the history on
    Up/Down (and Ctrl-R), the status line in its bottom toolbar, redrawn every
    refresh_s, and the board's lines printed above it.
    """

    def __init__(self, send):
        self.send = send

    def lines(self, stream):
        try:
            for text in stream:
                text = text.rstrip("\r\n")
                if text.strip():
                    self.send(text)
        except (OSError, ValueError):
            pass  # no stdin to read (closed, or a test runner's): monitoring goes on

    def session(self, status, refresh_s, **io):
        """The line editor; status() gives its bottom toolbar. The line typed is erased
        once sent: the display echoes it in order with the board's lines."""
        return PromptSession("> ", history=InMemoryHistory(), bottom_toolbar=status,
                             refresh_interval=refresh_s, erase_when_done=True, **io)

    def prompt(self, session):
        """Send each line typed until Ctrl-C or Ctrl-D."""
        while True:
            try:
                text = session.prompt()
            except (KeyboardInterrupt, EOFError):
                return
            if text.strip():
                self.send(text)
