"""PIN rules and PIN hashing: scrypt with a per-person salt, parameters kept
with the hash so they can be raised later without breaking old PINs."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from app.i18n import _
from app.domain.errors import ValidationError

PIN_MIN, PIN_MAX = 4, 8
# scrypt N=2^14, r=8, p=1: ~16 MiB and tens of milliseconds per try.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 14, 8, 1


def check_pin_rules(pin) -> str:
    """A PIN is 4 to 8 digits, not all the same digit and not a plain run."""
    text = "" if pin is None else str(pin).strip()
    if not (text.isascii() and text.isdigit() and PIN_MIN <= len(text) <= PIN_MAX):
        raise ValidationError(_("A PIN is {PIN_MIN} to {PIN_MAX} digits.",
                                PIN_MIN=PIN_MIN, PIN_MAX=PIN_MAX), field="pin")
    steps = {int(b) - int(a) for a, b in zip(text, text[1:])}
    if steps in ({0}, {1}, {-1}):
        raise ValidationError(_("That PIN is too easy to guess (like 1111 or 1234). Choose "
                                "another."), field="pin")
    return text


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024,
                          dklen=32)


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _derive(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        got = _derive(str(pin), bytes.fromhex(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))


_DUMMY = None


def burn_time(pin: str) -> None:
    """Spend what a real check costs, so an unknown name answers as slowly as a known one."""
    global _DUMMY
    if _DUMMY is None:
        _DUMMY = hash_pin("2580")
    verify_pin(str(pin), _DUMMY)
