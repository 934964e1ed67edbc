"""A sandbox for the README's first command: start a local Plugipay sandbox
with a fresh random key pair and connect this process's sync engine to it.

The key pair reaches the sandbox through its environment and the engine
through `Credentials` in memory (or this process's environment when
`export_env=True`): nothing is written to disk but the sandbox's own state.

    demo = start_demo_sandbox(data_dir)
    engine = SyncEngine(store, credentials=demo.credentials)   # or runner
    ...
    demo.stop()
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .credentials import ENV_BASE_URL, ENV_KEY_ID, ENV_SECRET, Credentials

START_TIMEOUT = 20.0


@dataclass
class DemoSandbox:
    process: subprocess.Popen
    base_url: str
    key_id: str
    secret: str = field(repr=False)
    dashboard_key: str = field(repr=False, default="")

    @property
    def credentials(self) -> Credentials:
        return Credentials(self.key_id, self.secret, self.base_url, "environment")

    def export_env(self) -> None:
        """Put the key pair in this process's environment (never on disk)."""
        os.environ[ENV_KEY_ID], os.environ[ENV_SECRET] = self.key_id, self.secret
        os.environ[ENV_BASE_URL] = self.base_url

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> "DemoSandbox":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def sandbox_command(frozen: bool | None = None) -> list[str]:
    """How to start the sandbox: a bundled app (PyInstaller, `sys.frozen`) has no
    `python -m`, its executable is `kasir` itself, which has a `sandbox` command."""
    if frozen is None:
        frozen = bool(getattr(sys, "frozen", False))
    return [sys.executable, "sandbox"] if frozen else [sys.executable, "-m", "app.sandbox"]


def start_demo_sandbox(data_dir, *, port: int = 0, export_env: bool = False) -> DemoSandbox:
    """Start `python -m app.sandbox` on 127.0.0.1 with its state in
    `data_dir/plugipay-sandbox.db`, and wait until it listens."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    key_id = "ak_test_demo_" + secrets.token_hex(4)
    secret = "sk_test_" + secrets.token_urlsafe(24)
    dashboard_key = "pk_test_demo_" + secrets.token_hex(8)
    env = dict(os.environ)
    env.update({ENV_KEY_ID: key_id, ENV_SECRET: secret, "PYTHONUNBUFFERED": "1"})
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    log = open(data_dir / "plugipay-sandbox.log", "ab")
    try:
        proc = subprocess.Popen(
            [*sandbox_command(), "--host", "127.0.0.1", "--port", str(port),
             "--db", str(data_dir / "plugipay-sandbox.db"), "--dashboard-key", dashboard_key],
            stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL, env=env, cwd=str(data_dir))
    finally:
        log.close()
    line: list[bytes] = []
    reader = threading.Thread(target=lambda: line.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    text = line[0].decode(errors="replace").strip() if line else ""
    if "listening on " not in text:
        proc.kill()
        proc.wait(timeout=5)
        raise RuntimeError(f"The Plugipay sandbox did not start (it said {text!r}); see "
                           f"{data_dir / 'plugipay-sandbox.log'}.")
    demo = DemoSandbox(proc, text.split("listening on ", 1)[1].strip(), key_id, secret,
                       dashboard_key)
    if export_env:
        demo.export_env()
    return demo
