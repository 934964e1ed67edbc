"""Refusals with a machine code and a sentence a cashier understands."""

from __future__ import annotations

VALIDATION_ERROR = "validation_error"
NOT_FOUND = "not_found"
CONFLICT = "conflict"
PERMISSION_DENIED = "permission_denied"
DATABASE_UNUSABLE = "database_unusable"


class KasirError(Exception):
    """A refused action. Nothing was changed when one of these is raised."""

    code = "error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code

    def to_dict(self) -> dict:
        out = {"code": self.code, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out


class ValidationError(KasirError):
    code = VALIDATION_ERROR


class NotFoundError(KasirError):
    code = NOT_FOUND


class ConflictError(KasirError):
    code = CONFLICT


class PermissionDeniedError(KasirError):
    code = PERMISSION_DENIED


class DatabaseUnusableError(KasirError):
    """The database file cannot be opened as Kasir's: not SQLite, damaged, another
    program's, a folder, or not writable. Nothing was written to it."""

    code = DATABASE_UNUSABLE
