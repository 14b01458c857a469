import pytest

from host_tools import plot, scenario, sim, trace


@pytest.fixture(scope="module")
def fast_trace():
    lines = []
    sim.run_scenario(scenario.load("every-mode"), lines.append,
                     config={"boot_ms": 0, "status_ms": 5})
    return list(trace.parse(lines))


def test_series_takes_status_lines_and_marks(fast_trace):
    hdr, cols, marks = plot.series(fast_trace)
    assert hdr["status"] == 5 and len(cols["t"]) > 4000
    assert set(cols["md"]) == {"ADV", "LIFT", "TAP", "SCULPT"}
    assert [m["ev"] for m in marks].count("MODE") == 4


def test_spans_group_runs():
    assert plot.spans([0, 1, 2, 3], ["A", "A", "B", "A"]) == [[0, 1, "A"], [2, 2, "B"], [3, 3, "A"]]


def test_draws_a_png(tmp_path, fast_trace):
    out = tmp_path / "p.png"
    plot.draw(fast_trace, str(out), "t")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20000


def test_empty_trace_is_a_clear_error(tmp_path, capsys):
    from host_tools.cli import main
    empty = tmp_path / "e.log"
    empty.write_text("boot noise\n")
    assert main(["plot", str(empty), "-o", str(tmp_path / "x.png")]) == 2
    assert "no status lines" in capsys.readouterr().err


def test_bench_prints_a_row_per_runtime_and_scenario(capsys):
    from host_tools.cli import main
    assert main(["bench", "--runtime", "cpython", "--scenario", "normal", "--repeat", "1"]) == 0
    out, err = capsys.readouterr()
    rows = out.splitlines()
    # progress on stderr while it runs (issue 10, item 8)
    assert err.splitlines() == ["glide bench: controller ticks in each mode on cpython",
                                "glide bench: normal on cpython, run 1 of 1 (14 virtual s)"]
    assert rows[1].split() == ["runtime", "ADV", "LIFT", "TAP", "SCULPT"]
    assert rows[2].split()[0] == "cpython" and all(float(x) > 0 for x in rows[2].split()[1:])
    assert rows[4].split()[:2] == ["runtime", "scenario"] and rows[5].split()[:3] == ["cpython", "normal", "14.0"]
