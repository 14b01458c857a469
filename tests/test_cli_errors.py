"""Every glide command answers a mistake with a one-line message and a non-zero exit, never
a traceback, and its options do what they say (issue 10, items 6, 7, 8 and 14)."""
import io
import json

import pytest

from host_tools import cli, monitor, sim


def glide(capsys, *argv):
    """(exit code, stdout, stderr) of glide ARGV; argparse's own refusals exit 2 too."""
    try:
        code = cli.main(list(argv))
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def status(out):
    return [l for l in out.splitlines() if l.startswith("S ")]


# -- item 6: --mode and --level

@pytest.mark.parametrize("argv", [["--mode", "FOO"], ["--level", "0"], ["--level", "6"],
                                  ["--speed", "0"], ["--speed", "-1"], ["--speed", "nan"]])
def test_sim_refuses_bad_option_values(capsys, argv):
    code, out, err = glide(capsys, "sim", *argv)
    assert code == 2 and out == "" and "glide sim: error: argument " + argv[0] in err


def test_mode_and_level_win_over_the_scenarios_start_line(capsys):
    # normal.txt says 'start adv 3': before, --mode/--level only set the boot settings,
    # which that line set aside, and the run treated in ADV at level 3.
    code, out, _ = glide(capsys, "sim", "--scenario", "normal", "--mode", "sculpt", "--level", "5")
    treat = [l for l in status(out) if " st=TREAT " in l]
    assert code == 0 and treat
    assert all(" md=SCULPT lv=5 " in l for l in treat)
    assert "ERR" not in out


def test_a_bare_start_keeps_the_boot_settings_the_options_give(capsys, tmp_path):
    scn = tmp_path / "bare.txt"
    scn.write_text("# bare\n0 start\n200 skin 20000\n3000 end\n")
    code, out, _ = glide(capsys, "sim", "--scenario", str(scn), "--mode", "tap", "--level", "2")
    assert code == 0 and all(" md=TAP lv=2 " in l for l in status(out) if " st=TREAT " in l)


def test_sim_options_take_the_firmwares_modes_and_levels():
    assert sim.MODES == ("ADV", "LIFT", "TAP", "SCULPT") and list(sim.LEVELS) == [1, 2, 3, 4, 5]


# -- item 7: --config

def test_config_inline_merges_over_the_virtual_boards_defaults(capsys):
    # Before, --config replaced BOARD_CONFIG: without boot_ms 0 the board waited its 2 s
    # boot window and every time moved; and inline JSON was taken for a missing file.
    code, out, _ = glide(capsys, "sim", "--scenario", "normal", "--config", '{"status_ms": 5}')
    assert code == 0
    assert "E t=0 ev=START st=SEEK out=0" in out and " status=5 " in out.splitlines()[0]


def test_config_file_wins_over_the_scenarios_config_lines(capsys, tmp_path):
    scn = tmp_path / "own.txt"
    scn.write_text("# own\nconfig status_ms 250\n0 start\n1000 end\n")
    cfg = tmp_path / "fast.json"
    cfg.write_text('{"status_ms": 10}')
    code, out, _ = glide(capsys, "sim", "--scenario", str(scn))
    assert code == 0 and " status=250 " in out.splitlines()[0] and len(status(out)) == 3
    code, out, _ = glide(capsys, "sim", "--scenario", str(scn), "--config", str(cfg))
    assert code == 0 and " status=10 " in out.splitlines()[0] and len(status(out)) == 99


@pytest.mark.parametrize("tool", [["sim"], ["flash", "--dry-run"]])
@pytest.mark.parametrize("arg, name, why", [
    ('{"hz": 7}', "--config", ["hz: 7 is outside 50..1000: using 200"]),
    ('{"hz": 7, "x": 1}', "--config", ["hz: 7 is outside 50..1000: using 200",
                                       "x: unknown key: using nothing"]),
    ('{"hz": 200', "--config", ["line 1 col 11: expected , or }"]),
    ("[1]", "--config", None),  # not inline JSON: a file name, not found
    ("FILE", "FILE", ["line 1 col 8: expected a value, not N"]),
])
def test_sim_and_flash_refuse_a_config_with_the_same_message(capsys, tmp_path, tool, arg, name, why):
    # Before, glide sim ran a board on out-of-range values (the board logged them and
    # used its defaults) while glide flash refused them, with another message.
    if arg == "FILE":
        path = tmp_path / "bad.json"
        path.write_text('{"hz": NaN}')
        arg = name = str(path)
    code, out, err = glide(capsys, *tool, "--config", arg)
    if why is None:
        why = ["cannot read it: No such file or directory"]
        name = arg
    assert code == 2
    assert err.splitlines()[:len(why)] == ["glide %s: %s: %s" % (tool[0], name, w) for w in why]
    assert out == "" if tool == ["sim"] else "glide.json" not in out


def test_flash_copies_inline_json_as_glide_json(capsys):
    code, out, _ = glide(capsys, "flash", "--dry-run", "--config", '{"hz": 500}')
    assert code == 0 and "glide.json  11 bytes" in out
    assert "config: --config passes config.py's checks" in out


# -- item 8: tracebacks

def test_sim_record_to_a_missing_folder(capsys):
    code, out, err = glide(capsys, "sim", "--record", "/nonexistent/x.log")
    assert code == 2 and out == ""
    assert err == "glide sim: --record /nonexistent/x.log: No such file or directory\n"


def recording(tmp_path, name):
    """The normal scenario's log recorded by glide monitor's Recorder in name's format."""
    lines = []
    sim.run_scenario(sim.load("normal"), lines.append, {"status_ms": 50})
    path = str(tmp_path / name)
    rec = monitor.Recorder(path)
    monitor.Monitor(rec).feed(("\r\n".join(lines) + "\r\n").encode())
    rec.close()
    return path


@pytest.mark.parametrize("name", ["n.csv", "n.jsonl", "n.log"])
def test_check_and_plot_read_every_format_glide_monitor_records(capsys, tmp_path, name):
    path = recording(tmp_path, name)
    code, out, _ = glide(capsys, "check", path)
    assert code == 0 and out.endswith(" 0 violations\n")
    code, out, _ = glide(capsys, "plot", path, "-o", str(tmp_path / "p.png"))
    assert code == 0 and (tmp_path / "p.png").stat().st_size > 20000


@pytest.mark.parametrize("tool", [["check"], ["plot", "-o", "x.png"]])
def test_a_plain_log_named_csv_is_a_clear_error(capsys, tmp_path, tool):
    path = tmp_path / "plain.csv"  # was: KeyError: 'line'
    path.write_text("G glide=1\nS t=0\n")
    code, _, err = glide(capsys, tool[0], str(path), *tool[1:])
    assert code == 2 and "plain.csv: not a glide monitor .csv recording" in err


def test_odd_rows_in_recordings_are_skipped_or_named(capsys, tmp_path):
    big = tmp_path / "big.csv"
    big.write_text("host_time,kind,line\nx,S," + "a" * 200000 + "\n")
    code, _, err = glide(capsys, "check", str(big))
    assert code == 2 and "big.csv line 2: field larger than field limit" in err
    odd = tmp_path / "odd.jsonl"  # was: AttributeError on a non-text "line"
    odd.write_text('{"line": 5}\n[1]\n"x"\n')
    code, _, err = glide(capsys, "check", str(odd))
    assert code == 2 and "odd.jsonl: no header line" in err


@pytest.mark.parametrize("arg, why", [("nope.py", "nope.py: no such file"),
                                      ("README.md", "README.md: not a .py file"),
                                      ("bad.py", 'File "')])
def test_size_of_what_is_not_a_firmware_module(capsys, tmp_path, monkeypatch, arg, why):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# glide\n")
    (tmp_path / "bad.py").write_text("x = (\n")
    code, _, err = glide(capsys, "size", arg)
    assert code == 2 and err.startswith("glide size: ") and why in err


@pytest.mark.parametrize("argv, why", [
    (["--scenario", "nope"], "glide bench: no scenario 'nope'"),
    (["--repeat", "0"], "argument --repeat: must be a whole number, 1 or more"),
    (["--runtime", "qemu"], "argument --runtime: invalid choice: 'qemu'"),
])
def test_bench_refuses_before_it_runs(capsys, argv, why):
    code, out, err = glide(capsys, "bench", *argv)
    assert code == 2 and out == "" and why in err


# -- item 14: the live bar says what it shows

def test_the_live_bar_labels_duty_and_leds():
    class Tty(io.StringIO):
        def isatty(self):
            return True
    out = Tty()
    d = sim.Display(out)
    d.line("@ t=1500 out=32768 pos=1 neg=0 status=1")
    shown = out.getvalue()
    assert "out LED duty [##########..........]  50%" in shown
    assert "polarity LED + | status LED on | t=1.5s" in shown
    d.line("@ t=1550 out=0 pos=0 neg=0 status=0")
    assert "polarity LED off | status LED off" in out.getvalue()


def test_recording_helper_writes_what_glide_monitor_writes(tmp_path):
    path = recording(tmp_path, "r.jsonl")
    first = json.loads(open(path).readline())
    assert first["line"].startswith("G ") and first["kind"] == "G"
