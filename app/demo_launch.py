"""The README's first command: a demo database, a local Plugipay sandbox
connected to it, and the window. The sandbox's key pair lives only in this
process's environment (never on disk); the sandbox stops when the window closes."""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    from app.cli import main as kasir
    from app.sync.demo import start_demo_sandbox

    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(argv.pop(0)) if argv else Path(".demo")
    data_dir.mkdir(parents=True, exist_ok=True)
    db = str(data_dir / "kasir-demo.db")
    if kasir(["--db", db, "demo", "--if-empty"]) != 0:
        return 1
    with start_demo_sandbox(data_dir, export_env=True) as demo:
        print(f"[demo] Plugipay sandbox at {demo.base_url}; opening Kasir on {db}", flush=True)
        return kasir(["--db", db, *argv])


if __name__ == "__main__":
    sys.exit(main())
