"""Start the real HTTP server on an ephemeral 127.0.0.1 port for each test module."""

from collections.abc import Iterator

import pytest

from app.server import build_server, start_in_thread


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = build_server("127.0.0.1", 0)
    thread = start_in_thread(server)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
