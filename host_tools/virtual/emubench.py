# glide bench --target qemu|pico, on an emulated board: the firmware's own
# Loop, Controller, Console and board (board_qemu on the micro:bit, board_pico
# on the Pico), timed on the chip's own deterministic clock, so every figure is
# the same on every run. Frozen into both images; host_tools/bench.py starts it
# over the REPL and prints the table.
# Each result is one line "key value..." on the console.
# The firmware is imported only once the ballast is in place: its modules'
# RAM counts against the budget, as on a real board.
import gc
import sys
import time

# The bench's own code is kept out of the heap the firmware is measured in:
# few globals (each module-level name costs heap), no class until needed.
# 12000: ohms on the sensor in treatment (level 5 then runs at its cap).


def _setup(hz, mode, log_buf):
    import config
    import loop
    from console import Console
    from controller import Controller
    cfg = config.defaults()
    cfg["hz"] = hz
    cfg["log_buf"] = log_buf
    board = __import__("board_pico" if sys.platform == "rp2" else "board_qemu").make(cfg)
    # The skin on the ADC, moist (12 kohm) and live: a reading that never
    # changes is the stuck-sensor fault. On the Pico the runner drives the ADC
    # from outside the chip (host_tools/pico/scenario.mjs): "@skin" lines are
    # a scenario's skin steps to it, acted on as their last byte leaves the
    # UART. (Inline, as below: one more global took 32 B of the micro:bit's
    # heap from the firmware's figures.)
    if sys.platform == "rp2":
        print("@skin 12000")
    else:
        # Counts for 12 kohm, whose last bit the C ADC flips on every read,
        # as on a real board with no Python call per read.
        import glide_hw as machine  # the machine (firmware/qemu/machine.py)
        import hw
        u = 32768
        while hw.pot_ohm(board.pot, u) > 12000:  # once, at set-up
            u -= 64
        machine.adc(u, 1)
    con = Console(board.port, cfg["log_buf"], cfg["log_bytes"], hz)
    ctl = Controller(con, **config.core(cfg))
    # As main.py does: config is dropped before the loop, its heap freed.
    del sys.modules["config"]
    ctl.set_level(5)
    ctl.set_mode(mode)
    lp = loop.Loop(ctl, board, con, hz, 0)
    ctl.start()
    return board, con, ctl, lp


def _drain(con):
    # The console's log out to its last byte, so the result line printed next
    # starts a line of its own (one glued to a status line was lost).
    while con.flush():
        pass


def _treat(ctl, lp):
    # Contact and the soft start, until the output is at its target.
    n = 0
    while ctl.state != 3 and n < 20000:  # TREAT
        lp.run(1)
        n += 1
    if ctl.state != 3:
        raise RuntimeError("bench: no treatment after %d ticks: state %d" % (n, ctl.state))


def run(budget, log_buf, modes=(0, 1, 2, 3), alloc_ticks=10000):
    # budget: the heap (bytes) to leave the firmware, as on a real micro:bit:
    # the rest of this image's heap is taken by a ballast first (0: none, the
    # port's own heap, as on the Pico). log_buf: the
    # console's ring (glide.json's log_buf). Few local names: this frame is on
    # the heap (4 B a name) while the firmware's free heap is measured.
    # None on a port built without MICROPY_MEM_STATS (the Pico's). Not a
    # try: its handler grew this frame by 16 B of the micro:bit's heap.
    mem_total = getattr(__import__("micropython"), "mem_total", None)
    gc.collect()
    # Its own header (16 B) is not the firmware's.
    ballast = bytearray(max(0, gc.mem_free() + gc.mem_alloc() - budget - 16) if budget else 0)  # noqa: F841
    gc.collect()
    print("heap budget", budget, "free_at_start", gc.mem_free())
    for m in ("machine", "limits", "contact", "waveform", "telemetry", "controller",
              "commands", "config", "console", "loop", "hw",
              "board_pico" if sys.platform == "rp2" else "board_qemu"):
        __import__(m)
        gc.collect()
        print("import", m, gc.mem_free())
    for mode in modes:
        board, con, ctl, lp = _setup(200, mode, log_buf)
        gc.collect()
        print("free_after_startup", mode, gc.mem_free())
        # Controller alone: the same call the loop makes, in treatment.
        _treat(ctl, lp)
        # 2000 ticks at 12000 ohms: the mean in us, the worst, the mean in cycles.
        worst = 0
        t0 = time.ticks_us()
        for i in range(2000):
            a = time.ticks_us()
            ctl.tick(5000, 12000 + (i & 1))
            a = time.ticks_diff(time.ticks_us(), a)
            if a > worst:
                worst = a
        t0 = time.ticks_diff(time.ticks_us(), t0)
        a = time.ticks_cpu()
        for i in range(2000):
            ctl.tick(5000, 12000 + (i & 1))
        a = time.ticks_diff(time.ticks_cpu(), a)
        print("controller", mode, t0 * 100 // 2000, worst, a * 100 // 2000)
        # The whole loop iteration at 200 Hz: console, board I/O, status lines.
        lp._clear()
        lp.run(1000)
        _drain(con)
        print("loop", mode, lp.exec_sum * 100 // lp.ticks, lp.exec_max, lp.overruns,
              lp.late_max, lp.exec_sum // (lp.ticks * 50))
        # Heap: bytes allocated per tick (all, freed or not), and garbage left.
        gc.collect()
        t0 = mem_total() if mem_total else 0
        gc.disable()
        kept = 0
        done = 0
        while done < alloc_ticks:
            a = gc.mem_alloc()
            lp.run(500)
            kept += gc.mem_alloc() - a
            done += 500
            gc.collect()
        gc.enable()
        _drain(con)
        print("alloc", mode, done, mem_total() - t0 if mem_total else -1, kept, gc.mem_free())
        # Contact loss to output 0: from the read that sees it to the PWM write,
        # taken while the output is lit (LIFT's square wave has dark half-periods).
        while ctl.out == 0 and ctl.state == 3:
            lp.run(1)
        if ctl.state != 3:
            raise RuntimeError("bench: the controller left treatment: %d" % ctl.state)
        # Contact loss to output 0: from the ADC read that sees it to the
        # output PWM's write of 0. For this one tick, Watch stands in for both
        # and notes the times; the class is made here, costing no heap before.
        class Watch:
            def __init__(self, dev):
                self.dev = dev
                self.at = -1

            def read_u16(self):
                self.at = time.ticks_us()
                return self.dev.read_u16()

            def duty_u16(self, d=None):
                if d == 0 and self.at < 0:
                    self.at = time.ticks_us()
                return self.dev.duty_u16(d) if d is not None else self.dev.duty_u16()

        adc = board.adc = Watch(board.adc)
        out = board.out = Watch(board.out)
        if sys.platform == "rp2":  # the open circuit (the ADC's top rail)
            print("@skin open")
        else:
            __import__("glide_hw").adc(65535)
        t0 = lp.ticks
        lp.run(1)
        board.adc = adc.dev
        board.out = out.dev
        _drain(con)
        print("latency", mode, time.ticks_diff(out.at, adc.at), lp.ticks - t0, ctl.out)
        del board, con, ctl, lp, adc, out, Watch
        gc.collect()
    # The highest rate the loop holds with no overrun for 2 s in treatment (LIFT).
    best = 0
    for hz in (200, 250, 400, 500, 800, 1000):
        board, con, ctl, lp = _setup(hz, 1, log_buf)
        _treat(ctl, lp)
        lp._clear()
        lp.run(hz * 2)
        over = lp.overruns
        _drain(con)
        print("rate", hz, over, lp.exec_sum * hz // (lp.ticks * 10000))
        del board, con, ctl, lp
        gc.collect()
        if over:
            break
        best = hz
    if sys.platform != "rp2":  # the emulated micro:bit's ADC back to open
        __import__("glide_hw").adc(65535)
    print("best_rate", best)
