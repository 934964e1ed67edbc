"""Build the one-folder Kasir bundle: `python packaging/build.py`.

Run it with the Python that has Kasir and PyInstaller installed
(`pip install -e . pyinstaller`). It makes dist/kasir/ (the `kasir`
executable and its _internal/ folder), then runs `kasir --version` from the
bundle to prove it starts. Works the same on Linux, Windows and macOS; build on
the system you ship for (PyInstaller does not cross-compile).

Options: --dist DIR and --work DIR put the bundle and PyInstaller's scratch
files elsewhere (default dist/ and build/pyinstaller/ in the checkout);
--clean throws away PyInstaller's cache first.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "kasir.spec"
NAME = "kasir"


def executable_path(dist: Path) -> Path:
    exe = NAME + (".exe" if platform.system() == "Windows" else "")
    return dist / NAME / exe


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path, clean: bool = False, quiet: bool = False) -> Path:
    """Run PyInstaller on kasir.spec; return the path of the bundle's executable."""
    if importlib.util.find_spec("PyInstaller") is None:
        raise SystemExit("PyInstaller is not installed for this Python. "
                         f"Run: {sys.executable} -m pip install pyinstaller")
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--distpath", str(dist),
           "--workpath", str(work), "--log-level", "WARN" if quiet else "INFO"]
    if clean:
        cmd.append("--clean")
    cmd.append(str(SPEC))
    subprocess.run(cmd, cwd=ROOT, check=True)
    exe = executable_path(dist)
    if not exe.is_file():
        raise SystemExit(f"PyInstaller finished but {exe} is missing.")
    return exe


def check_starts(exe: Path) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120,
                         env=env)
    if out.returncode != 0:
        raise SystemExit(f"The bundle does not start ({out.returncode}):\n{out.stderr}")
    return out.stdout.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist", help="where dist/kasir/ goes")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "pyinstaller",
                        help="PyInstaller's scratch folder")
    parser.add_argument("--clean", action="store_true", help="empty PyInstaller's cache first")
    parser.add_argument("--quiet", action="store_true", help="PyInstaller warnings only")
    args = parser.parse_args(argv)

    started = time.monotonic()
    exe = build(args.dist.resolve(), args.work.resolve(), clean=args.clean, quiet=args.quiet)
    version = check_starts(exe)
    took = time.monotonic() - started
    size = folder_size(exe.parent) / 1e6
    print(f"Built {exe} ({version}) in {took:.0f} s; the folder is {size:.0f} MB.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
