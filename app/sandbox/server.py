"""The HTTP server: ThreadingHTTPServer around ``SandboxApp``.

``SandboxServer`` can run in the foreground (``serve_forever``, used by the
CLI) or in a background thread (``start``/``stop``, for in-process tests).
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .dispatch import Response, SandboxApp, SandboxConfig


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: SandboxApp):
        self.app = app
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def close_open_connections(self) -> None:
        with self.connections_lock:
            conns = list(self.open_connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "PlugipaySandbox/1.0"
    sys_version = ""
    server: _HTTPServer

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.open_connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.open_connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:  # quiet: benchmarks
        pass

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        response: Response = self.server.app.handle(
            self.command, self.path, self.headers, raw, f"http://{host}"
        )
        if response.drop:
            # The work is committed; the client never hears about it.
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(response.body)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


class SandboxServer:
    """A sandbox bound to ``host:port`` (0 picks a free port)."""

    def __init__(self, config: SandboxConfig | None = None, host: str = "127.0.0.1", port: int = 0):
        self.app = SandboxApp(config or SandboxConfig())
        try:
            self.httpd = _HTTPServer((host, port), self.app)
        except BaseException:
            self.app.close()
            raise
        self.host = host
        self.port = int(self.httpd.server_address[1])
        self._thread: threading.Thread | None = None
        self.app.dashboard.base_url = self.url

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def dashboard(self):
        return self.app.dashboard

    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> "SandboxServer":
        self._thread = threading.Thread(target=self.serve_forever, name="plugipay-sandbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.httpd.close_open_connections()
        self.httpd.server_close()
        self.app.close()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
