"""One app per database file."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.trust.instance_lock import AlreadyRunningError, InstanceLock, for_database


def test_second_instance_is_refused_with_a_clear_message(db_path):
    first = InstanceLock(db_path).acquire()
    try:
        code = ("import sys; from app.trust.instance_lock import InstanceLock\n"
                "try:\n    InstanceLock(sys.argv[1]).acquire()\n"
                "except Exception as e:\n    print(type(e).__name__, e.message); sys.exit(3)\n")
        out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                             text=True, timeout=60)
        assert out.returncode == 3
        assert "AlreadyRunningError" in out.stdout and "already open" in out.stdout
        import os
        assert f"process {os.getpid()}" in out.stdout
    finally:
        first.release()
    with InstanceLock(db_path) as again:  # free once released
        assert again.held


def test_in_process_and_server_databases(db_path):
    with InstanceLock(db_path):
        with pytest.raises(AlreadyRunningError) as err:
            InstanceLock(db_path).acquire()
        assert err.value.code == "conflict"
    assert for_database("postgresql://till@db/kasir") is None
    assert for_database(db_path).path.name == "kasir.db.lock"


def test_a_killed_holder_leaves_no_stale_lock(db_path):
    code = ("import sys, os, signal; from app.trust.instance_lock import InstanceLock\n"
            "InstanceLock(sys.argv[1]).acquire(); print('held', flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    out = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                         text=True, timeout=60)
    assert "held" in out.stdout
    with InstanceLock(db_path):
        pass
