"""A serial device on a pseudo-terminal that speaks glide's line protocol, for the tests
of the host tools that talk to a running board (monitor, send)."""
import os
import queue
import select
import socket
import threading
import tty

WAIT = 5  # seconds; only reached when a test is failing

HEADER = ("G glide=1 hz=200 caps=136,272,408,544,680 max=680 abs=1000 vmax=10000 slew=340"
          " adapt=2000 stop=680 make=100000 brk=150000 open=2000000 session=1200 overrun=4"
          " status=100 reset=PWRON")
STATUS = "S t=1800 st=TREAT md=ADV lv=3 r=20026 tg=408 env=408 out=408 ph=0"
TIMING = "T t=12000 hz=200 late=312 exec=410/980 over=0 load=8 free=151232 drop=0"
EVENT = "E t=520 ev=CONTACT st=RAMP out=0"


class FakeBoard:
    """The board end of a pty: writes glide lines and answers each command line with
    answer(line) (None: no answer). Commands received collect in .commands."""

    def __init__(self, answer=None):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # like a board's port: no echo, no line editing
        self.path = os.ttyname(self.slave)
        self._serve_on(answer)

    def _serve_on(self, answer):
        self.answer = answer or self.firmware_like
        self.commands = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def firmware_like(self, line):
        # The firmware's own command parser on a real controller: the replies a board gives.
        import commands
        import controller
        if not hasattr(self, "ctl"):
            self.ctl = controller.Controller(lambda text: None)
        return commands.handle(self.ctl, line)

    def write(self, *lines, end="\r\n"):
        self._send("".join(line + end for line in lines).encode())

    def _send(self, data):
        os.write(self.master, data)

    def _receive(self):
        """What came from the host within a short wait; b"" if nothing; raises OSError
        when the host end is gone."""
        if not select.select([self.master], [], [], 0.02)[0]:
            return b""
        return os.read(self.master, 1024)

    def _serve(self):
        buf = b""
        while not self._stop.is_set():
            try:
                buf += self._receive()
            except OSError:
                return
            *done, buf = buf.split(b"\n")
            for raw in done:
                line = raw.decode().rstrip("\r")
                self.commands.put(line)
                reply = self.answer(line)
                if reply:
                    self.write(reply)

    def close(self):
        self._stop.set()
        self._thread.join()
        os.close(self.master)
        os.close(self.slave)


class TcpBoard(FakeBoard):
    """The same board behind a TCP server, as Wokwi's simulator or a serial-to-network
    bridge offers one: glide reaches it at .url (socket://127.0.0.1:PORT). It serves one
    connection; write() waits for it. close() takes the server away; a new TcpBoard(port=)
    brings it back at the same address."""

    def __init__(self, answer=None, port=0):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.url = "socket://127.0.0.1:%d" % self.port
        self.conn = None
        self.connected = threading.Event()
        self._serve_on(answer)

    def _send(self, data):
        assert self.connected.wait(WAIT), "nobody connected to %s" % self.url
        self.conn.sendall(data)

    def _receive(self):
        if self.conn is None:
            if not select.select([self.server], [], [], 0.02)[0]:
                return b""
            self.conn = self.server.accept()[0]
            self.connected.set()
        if not select.select([self.conn], [], [], 0.02)[0]:
            return b""
        data = self.conn.recv(1024)
        if not data:
            raise OSError("the host closed the connection")
        return data

    def close(self):
        self._stop.set()
        self._thread.join()
        self.server.close()  # first: a host retrying must find nothing listening
        if self.conn is not None:
            self.conn.close()
