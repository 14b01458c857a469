# Powers on the virtual board: builds the world, then runs the unchanged
# firmware/main.py until the scenario ends or the watchdog resets the board.
# The caller has put this folder and firmware/ on sys.path, and made the
# current directory the board's filesystem (with its glide.json, if any).
import config
import machine
import world


def run(steps, end_ms, emit):
    cfg, _ = config.load()  # the firmware reports the errors itself
    w = world.World(steps, end_ms, emit, cfg)
    try:
        import main  # noqa: F401  (runs the firmware)
    except world.End:
        pass
    except machine.WatchdogReset:
        w.flush()
        emit("# virtual board: watchdog reset")
    w.flush()
