"""glide send against a fake board on a pty."""
import commands
import pytest

from host_tools import cli, send, trace
from fake_serial import HEADER, STATUS, WAIT, FakeBoard, TcpBoard

STREAMED = "S t=5 st=SEEK md=ADV lv=3 r=2000000 tg=0 env=0 out=0 ph=0"


@pytest.fixture
def board():
    """A fake board that, between a command and its reply, streams a status line and
    sends boot noise and an OK for some other command. It does not answer "quiet"."""
    def answer(line):
        if line.split()[0] == "quiet":
            return None
        b.write(STREAMED, "boot noise", "OK other")
        return b.firmware_like(line)

    b = FakeBoard(answer)
    yield b
    b.close()


def glide_send(board, *commands, timeout=WAIT):
    return cli.main(["send", "--port", board.path, "--timeout", str(timeout), *commands])


def test_replies_are_matched_and_printed(board, capsys):
    assert glide_send(board, "start adv 3", "LEVEL 4", "info", "help", "stop") == 0
    assert capsys.readouterr().out.splitlines() == [
        "OK start", "OK level", HEADER, "# " + commands.HELP, "OK stop"]
    assert [board.commands.get(timeout=WAIT) for _ in range(5)] == [
        "start adv 3", "LEVEL 4", "info", "help", "stop"]


def test_status_reply_is_a_status_line(board, capsys):
    assert glide_send(board, "status") == 0
    assert trace.parse_line(capsys.readouterr().out).kind == "S"


def test_err_exits_1_after_sending_the_rest(board, capsys):
    assert glide_send(board, "frobnicate", "stop") == 1
    assert capsys.readouterr().out.splitlines() == [
        "ERR unknown command or wrong arguments: frobnicate (try help)", "OK stop"]


def test_no_reply_exits_1_with_a_hint(board, capsys):
    assert glide_send(board, "quiet", "stop", timeout=0.2) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ("glide send: no reply to 'quiet' within 0.2 s: is glide running on %s?\n"
                   % board.path)
    assert board.commands.get(timeout=WAIT) == "quiet"
    assert board.commands.empty()  # stopped at the first command with no reply


def test_is_reply():
    def rec(text):
        return trace.parse_line(text)
    assert send.is_reply("start adv 3", rec("OK start"))
    assert not send.is_reply("start adv 3", rec("OK stop"))
    assert send.is_reply("level 9", rec("ERR level must be 1..5"))
    assert send.is_reply("status", rec(STATUS))
    assert not send.is_reply("stop", rec(STATUS))
    assert send.is_reply("info", rec(HEADER))
    assert send.is_reply("help", rec("# start ..."))


def test_empty_command_and_no_board(capsys):
    assert cli.main(["send", "--port", "/nonexistent/tty", " "]) == 2
    assert "empty command" in capsys.readouterr().err
    assert cli.main(["send", "--port", "/nonexistent/tty", "stop"]) == 2
    assert capsys.readouterr().err.startswith("glide send: cannot open /nonexistent/tty")


def test_a_board_behind_a_tcp_server(capsys):
    """--port socket://HOST:PORT, as for Wokwi's simulator or a serial-to-network bridge."""
    board = TcpBoard()
    try:
        assert cli.main(["send", "--port", board.url, "--timeout", str(WAIT), "info", "level 4"]) == 0
    finally:
        board.close()
    assert capsys.readouterr().out.splitlines() == [HEADER, "OK level"]
