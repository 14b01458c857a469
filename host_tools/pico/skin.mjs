// The sensor of glide's emulated Pico, as host_tools/pico/scenario.mjs drives it: the
// skin a scenario puts on it, and the ADC conversion the pot divider then gives.

// The skin on the sensor: scene.py's Skin, in JS. A live sensor jitters by
// about 0.5 % with the same LCG as the virtual board (31 bits: JS's 32-bit
// integer product keeps its low bits exactly), so a scenario reads the same
// ohms, read by read, as there; only the ADC's 12 bits round them.
export class Skin {
  constructor(openOhm) {
    this.open = openOhm;
    this.stuck = false;
    this.drift = null;
    this.seed = 12345;
    this.value = openOhm;
    this.base = openOhm;
  }

  set(v) {
    this.drift = null;
    this.stuck = v === 'stuck';
    if (!this.stuck) this.base = v === 'open' ? this.open : v;
  }
  step(t, kind, value) {
    // A scenario step at t, if it is the skin's ('skin', 'exact', 'drift'):
    // true when it was.
    if (kind === 'skin') this.set(value);
    else if (kind === 'exact') this.hold(value);
    else if (kind === 'drift') {
      this.stuck = false;
      this.drift = [t, ...value];
    } else return false;
    return true;
  }

  hold(ohm) {
    this.drift = null;
    this.stuck = true;
    this.value = ohm;
  }

  read(tMs) {
    // The reading at tMs (ms), once per conversion.
    if (this.stuck) return this.value;
    if (this.drift) {
      const [t0, t1, a, b] = this.drift;
      if (tMs >= t1) {
        this.drift = null;
        this.base = b;
      } else {
        this.base = a + Math.floor(((b - a) * (tMs - t0)) / (t1 - t0));
      }
    }
    const base = this.base;
    if (base >= this.open || !base) return (this.value = base ? this.open : 0);
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) & 0x7fffffff;
    const span = Math.floor(base / 200) + 1;
    const v = base + ((this.seed >>> 8) % (2 * span + 1)) - span;
    return (this.value = v > 0 ? v : 0);
  }
}

// The ADC's 12-bit conversion for a resistance: the wiper voltage (raw / 4095
// of 3.3 V) whose reading the firmware turns into the ohms nearest to ohm.
// readings[raw] is what the firmware reads for each conversion, worked out by
// the host with the firmware's own hw.pot_ohm on the rp2 port's read_u16
// scaling: no table or constant is copied here.
export function conversion(readings, ohm) {
  let best = 0;
  let gap = Infinity;
  for (let raw = 0; raw < readings.length; raw++) {
    const d = Math.abs(readings[raw] - ohm);
    if (d < gap) {
      gap = d;
      best = raw;
    }
  }
  return best;
}
