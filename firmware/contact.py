# Skin contact from resistance samples, with hysteresis and debounce, and
# the sensor checks that tell a broken sensor from a face that is not there.
try:
    from micropython import const  # type: ignore  (the stub and the shim differ)
except ImportError:  # CPython
    def const(x):
        return x

# Physical range of the sensor in ohms. An open circuit reads R_OPEN; a
# reading outside R_MIN..R_OPEN cannot come from a working sensor.
R_MIN = const(100)
R_OPEN = const(2000000)

OK = const(0)
OUT_OF_RANGE = const(1)
STUCK = const(2)


class Contact:
    def __init__(self, make_ohm=100000, break_ohm=150000, debounce=4,
                 stuck_n=0):
        # make below break: a reading between the two keeps the last answer.
        # break below R_OPEN: at R_OPEN an unplugged sensor read as contact
        # and output flowed.
        if not R_MIN <= make_ohm < break_ohm < R_OPEN:
            raise ValueError("need %d <= make < break < %d" % (R_MIN, R_OPEN))
        if debounce < 1 or stuck_n < 0:
            raise ValueError("debounce >= 1, stuck >= 0")
        self.make_ohm = make_ohm
        self.break_ohm = break_ohm
        self.debounce = debounce
        self.stuck_n = stuck_n  # identical samples in contact = stuck; 0: off
        self.reset()

    def reset(self):
        self.on = False
        self.run = 0  # consecutive samples below make_ohm
        self.last = -1
        self.same = 0

    def update(self, r, check_stuck=True):
        # Returns OK, or the sensor fault this sample shows. self.on is the
        # contact state after the sample: make needs `debounce` samples in a
        # row, break takes one, so output is cut at the first sign of loss.
        if r < R_MIN or r > R_OPEN:
            self.on = False
            return OUT_OF_RANGE
        if r > self.break_ohm:
            self.on = False
            self.run = 0
        elif not self.on:
            if r <= self.make_ohm:
                self.run += 1
                self.on = self.run >= self.debounce
            else:
                self.run = 0
        if self.on and check_stuck and self.stuck_n:
            # A live sensor in contact always jitters by a count or two.
            if r == self.last:
                self.same += 1
                if self.same >= self.stuck_n:
                    return STUCK
            else:
                self.same = 0
        else:
            self.same = 0
        self.last = r
        return OK
