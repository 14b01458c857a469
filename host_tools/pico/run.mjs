// node run.mjs BOOTROM IMAGE: the emulated Pico with UART0 on stdin and stdout, its clock
// paced to the wall clock (never ahead of it: the firmware's 200 Hz stays 200 Hz for a
// host tool on the other end). host_tools/emupico.py gives it a pseudo-terminal.
import { readFileSync, writeSync } from 'fs';
import { Pico } from './pico.mjs';

const [bootrom, image] = process.argv.slice(2);
const pico = new Pico(readFileSync(bootrom), readFileSync(image));
// ADC0 (GP26, board_pico's pot) at its top rail: an electrode in the air, no contact.
// Left at 0 it read as a short, a fault at `start`. Skin is glide sim --runtime pico's.
pico.setAdc(0, 4095);
const out = [];
pico.onUart = (b) => out.push(b);
process.stdin.on('data', (data) => pico.writeUart(data));
process.stdin.on('error', () => {}); // a pty with no one on the other end: EIO, go on
const t0 = process.hrtime.bigint();
const SLICE_NS = 10e6; // at most 10 ms of emulated time between two looks at the host

function send(buf) {
  // As a UART with no one listening: what the pty cannot take now is lost (stdout is
  // non-blocking, emupico.py; blocking, a full pty stopped the chip and its input too).
  try {
    for (let at = 0; at < buf.length;) at += writeSync(1, buf, at);
  } catch (e) {
    if (e.code !== 'EAGAIN') throw e;
  }
}

function run() {
  const wall = Number(process.hrtime.bigint() - t0);
  pico.runUntil(Math.min(wall, pico.nanos + SLICE_NS));
  if (out.length) send(Buffer.from(out.splice(0)));
  if (pico.nanos >= wall) setTimeout(run, 1);
  else setImmediate(run);
}
run();
