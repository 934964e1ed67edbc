"""Small shared pieces: the API error, ids, timestamps, input checks."""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any, Mapping

ACCOUNT_ID = "acct_sandbox"
DOC_URL = "https://plugipay.com/docs/errors#"


class ApiError(Exception):
    """An error answered to the client in the envelope's ``error``."""

    def __init__(self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def validation(message: str) -> ApiError:
    return ApiError(400, "validation_error", message)


def not_found(what: str, ident: str) -> ApiError:
    return ApiError(404, "not_found", f"No such {what}: {ident}")


def existing(store, table: str, what: str, ident: str) -> dict:
    """The stored document, or Plugipay's 404 naming what was looked for."""
    doc = store.get(table, ident)
    if doc is None:
        raise not_found(what, ident)
    return doc


def conflict(message: str) -> ApiError:
    return ApiError(409, "conflict", message)


def new_id(prefix: str) -> str:
    """A random, unguessable id such as ``in_3f9a...``."""
    return f"{prefix}_{secrets.token_hex(12)}"


def iso(ts: float) -> str:
    """Unix seconds -> canonical ``2026-05-01T10:00:00.123Z`` (sorts as text)."""
    dt = datetime.fromtimestamp(ts, timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: Any, field: str) -> str:
    """Parse an ISO 8601 date/time from a client into the canonical form."""
    if not isinstance(value, str) or not value.strip():
        raise validation(f"{field} must be an ISO 8601 date-time string")
    text = value.strip()
    try:
        dt = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise validation(f"{field} is not a valid ISO 8601 date-time: {value!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return iso(dt.timestamp())


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_int(body: Mapping[str, Any], field: str, minimum: int = 0) -> int | None:
    if field not in body or body[field] is None:
        return None
    value = body[field]
    if not is_int(value):
        raise validation(f"{field} must be an integer amount in the smallest currency unit")
    if value < minimum:
        raise validation(f"{field} must be >= {minimum}")
    return value


def check_str(body: Mapping[str, Any], field: str, max_len: int = 1000) -> str | None:
    if field not in body or body[field] is None:
        return None
    value = body[field]
    if not isinstance(value, str):
        raise validation(f"{field} must be a string")
    if len(value) > max_len:
        raise validation(f"{field} is longer than {max_len} characters")
    return value


def check_metadata(body: Mapping[str, Any], field: str = "metadata") -> dict | None:
    if field not in body or body[field] is None:
        return None
    value = body[field]
    if not isinstance(value, dict):
        raise validation(f"{field} must be an object")
    for k, v in value.items():
        if isinstance(v, (dict, list)):
            raise validation(f"{field}.{k} must be a string, number, boolean or null")
    return value


def check_fields(body: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise validation(f"Unknown field(s) in {where}: {', '.join(unknown)}")


def query_filters(query: Mapping[str, Any], *, equal: Mapping[str, str] = {},
                  after: Mapping[str, str] = {}, before: Mapping[str, str] = {}
                  ) -> tuple[list[str], list[Any]]:
    """WHERE parts and their values from a list route's query: `equal` maps a
    parameter to the column it must equal; `after`/`before` map a time parameter
    (ISO 8601, checked) to the column it bounds."""
    where: list[str] = []
    params: list[Any] = []
    for name, column in equal.items():
        if query.get(name):
            where.append(f"{column} = ?")
            params.append(query[name])
    for bounds, op in ((after, ">"), (before, "<")):
        for name, column in bounds.items():
            if query.get(name):
                where.append(f"{column} {op} ?")
                params.append(parse_iso(query[name], name))
    return where, params
