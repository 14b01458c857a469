"""--plot: a window of the last seconds of output, target and resistance."""
import threading
from collections import deque

from .display import DEVICE_MAX


class PlotError(Exception):
    pass


class Plot:
    """out, tg and r of the last WINDOW_S seconds of status lines.

    add() runs on the reader thread and keeps at most MAX_POINTS a window, so a 200 Hz
    status rate does not swamp the drawing; points() runs on the main thread.
    """

    WINDOW_S = 20
    MAX_POINTS = 2000

    def __init__(self):
        self._points = deque()  # (t ms, out, tg, r)
        self._lock = threading.Lock()

    def add(self, s):
        point = tuple(s.get(k) for k in ("t", "out", "tg", "r"))
        if not all(isinstance(v, int) for v in point):
            return
        t = point[0]
        with self._lock:
            if self._points and t < self._points[-1][0]:
                self._points.clear()  # the board restarted, or its clock wrapped
            if self._points and t - self._points[-1][0] < self.WINDOW_S * 1000 // self.MAX_POINTS:
                return
            self._points.append(point)
            while t - self._points[0][0] > self.WINDOW_S * 1000:
                self._points.popleft()

    def points(self):
        with self._lock:
            return list(self._points)


# matplotlib backends that draw to files, not windows.
FILE_BACKENDS = ("agg", "cairo", "pdf", "pgf", "ps", "svg", "template")


class PlotWindow:
    """A matplotlib window showing a Plot, redrawn about 10 times a second."""

    def __init__(self, plot):
        try:
            import matplotlib
            import matplotlib.pyplot as plt
            backend = matplotlib.get_backend()
            if backend.lower() in FILE_BACKENDS:
                raise PlotError("--plot needs a display, and matplotlib found none (backend %s)"
                                % backend)
            self.fig, self.ax = plt.subplots(num="glide monitor")
        except PlotError:
            raise
        except Exception as e:  # Tk, Qt & co. fail in many ways without a display
            raise PlotError("--plot: cannot open a window: %s" % e) from None
        self.plt, self.plot = plt, plot
        ax = self.ax
        ax.set_xlabel("board time, s")
        ax.set_ylabel("uA")
        self.out, = ax.plot([], [], label="out")
        self.tg, = ax.plot([], [], label="tg (target)")
        self.ax_r = ax.twinx()
        self.ax_r.set_ylabel("r, ohm")
        self.ax_r.set_yscale("log")
        self.r, = self.ax_r.plot([], [], color="gray", linewidth=0.8, label="r")
        ax.legend(handles=[self.out, self.tg, self.r], loc="upper left")

    def redraw(self):
        pts = self.plot.points()
        if not pts:
            return
        t = [p[0] / 1000 for p in pts]
        self.out.set_data(t, [p[1] for p in pts])
        self.tg.set_data(t, [p[2] for p in pts])
        self.r.set_data(t, [p[3] for p in pts])
        self.ax.set_xlim(t[-1] - Plot.WINDOW_S, t[-1])
        top = max(max(p[1] for p in pts), max(p[2] for p in pts))
        self.ax.set_ylim(0, max(DEVICE_MAX, top) * 1.05)
        self.ax_r.set_ylim(min(p[3] for p in pts) / 2, max(p[3] for p in pts) * 2)

    def show(self, tick):
        """Run the window until it is closed, calling tick() before every redraw."""
        from matplotlib.animation import FuncAnimation

        def frame(_):
            tick()
            self.redraw()

        # Held until show() returns: an animation nobody references stops.
        self.anim = FuncAnimation(self.fig, frame, interval=100, cache_frame_data=False)
        self.plt.show()
