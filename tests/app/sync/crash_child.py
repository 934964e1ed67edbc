"""A sync process that kills itself (SIGKILL) in the middle of a batch: used by
test_crash.py. Run as `python -m tests.app.sync.crash_child DB KILL_AT WHERE`
with KASIR_SBX_URL / KASIR_SBX_KEY / KASIR_SBX_SECRET in the environment.

WHERE is "request" (killed just before the KILL_AT-th request leaves, earlier
answers of its batch not recorded) or "response" (killed once Plugipay has
done the KILL_AT-th request and answered, before the till recorded it)."""

from __future__ import annotations

import os
import signal
import sys


def main() -> None:
    db, kill_at, where = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    from app.services.context import open_store
    from app.sync.credentials import Credentials
    from app.sync.engine import SyncEngine
    from app.sync.gateway import Gateway
    from app.sync import outbox
    from app.sync.outbox import Backoff

    # Fixed batches, so KILL_AT falls where the test expects: the first batch
    # creates the customers (the issues wait for them), the second sends every issue.
    outbox.BATCH_FIRST = outbox.BATCH_MAX = 50
    outbox.BATCH_SECONDS = 1e9

    class Doomed(Gateway):
        def _hook_request(self, request) -> None:
            if where == "request" and self.requests + 1 >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            super()._hook_request(request)

        def _hook_response(self, response) -> None:
            super()._hook_response(response)
            if where == "response" and self.requests >= kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    creds = Credentials(os.environ["KASIR_SBX_KEY"], os.environ["KASIR_SBX_SECRET"],
                        os.environ["KASIR_SBX_URL"], "test")
    store = open_store(db)
    engine = SyncEngine(store, till="T1", credentials=creds, remind=False, timeout=5,
                        backoff=Backoff(base=0.01, cap=0.05))
    engine.gateway = Doomed(creds, timeout=5)
    engine.run_pass(pull=False, reconcile=False)
    print("not killed", flush=True)
    sys.exit(3)


if __name__ == "__main__":
    main()
