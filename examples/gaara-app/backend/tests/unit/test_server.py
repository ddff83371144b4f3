import pytest

from app import server

pytestmark = pytest.mark.unit


def test_parse_args_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTES_HOST", raising=False)
    monkeypatch.delenv("NOTES_PORT", raising=False)
    args = server.parse_args([])
    assert (args.host, args.port) == ("127.0.0.1", 8080)


def test_parse_args_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NOTES_PORT", "9999")
    assert server.parse_args([]).port == 9999
    assert server.parse_args(["--port", "0"]).port == 0


def test_main_stops_cleanly_on_ctrl_c(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupt(self: server.ThreadingWSGIServer, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(server.ThreadingWSGIServer, "serve_forever", interrupt)
    assert server.main(["--host", "127.0.0.1", "--port", "0"]) == 0
    assert "listening on http://127.0.0.1:" in capsys.readouterr().out
