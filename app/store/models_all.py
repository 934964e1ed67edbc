"""Imports every model module so that Base.metadata holds every table
(migrations' autogenerate and the models-match-migrations test use it)."""

from app.store.models import Base  # noqa: F401
import app.store.reconcile_models  # noqa: F401,E402
import app.store.sync_models  # noqa: F401,E402
import app.store.print_models  # noqa: F401,E402
from app.store import trust_models  # noqa: F401,E402  (issue 7: staff, history chain)
from app.store import refund_models  # noqa: F401,E402  (issue 15: refunds)
