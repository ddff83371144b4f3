"""HTTP server around the WSGI app (wsgiref, threaded)."""

from __future__ import annotations

import argparse
import os
import threading
from collections.abc import Sequence
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from app.wsgi import NotesApp, create_app

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    """Request handler that does not write an access log line per request."""

    def log_message(self, format: str, *args: Any) -> None:
        return None


def build_server(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, app: NotesApp | None = None
) -> WSGIServer:
    """Bind a server; port 0 picks a free ephemeral port."""
    return make_server(
        host,
        port,
        app if app is not None else create_app(),
        server_class=ThreadingWSGIServer,
        handler_class=QuietHandler,
    )


def start_in_thread(server: WSGIServer) -> threading.Thread:
    thread = threading.Thread(
        target=server.serve_forever, name="notes-api", daemon=True
    )
    thread.start()
    return thread


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    parser.add_argument(
        "--host", default=os.environ.get("NOTES_HOST", DEFAULT_HOST), help="bind host"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("NOTES_PORT", DEFAULT_PORT)),
        help="bind port (0 = any free port)",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    server = build_server(args.host, args.port)
    print(f"notes API listening on http://{args.host}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
