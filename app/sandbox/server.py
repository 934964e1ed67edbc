"""The HTTP server: ThreadingHTTPServer around ``SandboxApp``.

``SandboxServer`` can run in the foreground (``serve_forever``, used by the
CLI) or in a background thread (``start``/``stop``, for in-process tests).
"""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .common import ApiError
from .dispatch import Response, SandboxApp, SandboxConfig, error_response


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

    def _body_length(self) -> int:
        """The announced body length, checked before a byte of the body is read."""
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "length_required",
                           "Chunked or encoded bodies are not accepted: send Content-Length")
        values = self.headers.get_all("Content-Length") or []
        if not values:
            if self.command in ("POST", "PUT", "PATCH"):
                raise ApiError(411, "length_required", f"{self.command} needs a Content-Length header")
            return 0
        text = values[0].strip()
        if len(set(v.strip() for v in values)) > 1 or not text.isdigit() or not text.isascii():
            raise ApiError(400, "bad_request",
                           "Content-Length must be one whole number of bytes (0 or more)")
        length = int(text)
        limit = self.server.app.config.max_body
        if length > limit:
            raise ApiError(413, "payload_too_large",
                           f"Body of {length} bytes is over the limit of {limit} bytes")
        return length

    def _read_body(self) -> bytes:
        length = self._body_length()
        if length == 0:
            return b""
        self.connection.settimeout(self.server.app.config.read_timeout)
        try:
            raw = self.rfile.read(length)
        except (TimeoutError, OSError):
            raw = b""
        finally:
            self.connection.settimeout(self.timeout)
        if len(raw) != length:
            raise ApiError(408, "request_timeout",
                           f"The body did not arrive in full: Content-Length announced {length} bytes")
        return raw

    def _serve(self) -> None:
        try:
            raw = self._read_body()
        except ApiError as err:
            # The rest of the connection can no longer be framed: answer, then close.
            self.close_connection = True
            self._send(error_response(err, self.server.app.faults.now()), close=True)
            return
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
        self._send(response)

    def _send(self, response: Response, close: bool = False) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            if close:
                self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(response.body)
        except OSError:  # the client went away
            self.close_connection = True

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
