"""The emulated Pico's runner (host_tools/pico/scenario.mjs): its skin is the virtual
board's, read by read."""
import json
import os
import subprocess

from host_tools import picosim, sim


def test_the_runners_skin_reads_what_the_virtual_boards_does():
    # scenario.mjs's Skin, read by read, against scene.py's: jitter, drift, stuck, rails.
    steps = [(0, "skin", 15000), (30, "drift", (90, 15000, 400000)), (100, "skin", "stuck"),
             (120, "skin", "open"), (130, "skin", 0), (140, "exact", 5000), (150, "skin", 777)]
    code = ("import { Skin } from %s;\nconst s = new Skin(2000000);\nconst steps = %s;\n"
            "let i = 0;\nconst out = [];\nfor (let t = 0; t < 160; t++) {\n"
            "  while (i < steps.length && steps[i][0] <= t) s.step(...steps[i++]);\n"
            "  out.push(s.read(t));\n}\nconsole.log(JSON.stringify(out));\n"
            % (json.dumps(os.path.join(picosim.HERE, "skin.mjs")), json.dumps(steps)))
    got = json.loads(subprocess.run(["node", "--input-type=module", "-e", code],
                                    capture_output=True, text=True, check=True).stdout)
    with sim._board({}):
        import scene
        p = scene.Player(iter(steps), 160, {"pot_max_ohm": 2000000, "pot_min_ohm": 1000})
        want = []
        for t in range(160):
            p.play(t)
            want.append(p.skin.read(t))
    assert got == want
