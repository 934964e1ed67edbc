"""Plugipay credentials: the OS keyring, overridden by the environment.

The secret is never written to the database, a config file or a log. On a
machine without a keyring backend (a headless server) `kasir login` refuses
with a clear message instead of falling back to a plaintext file; the
environment variables still work there.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field

from app.i18n import _
from app.domain.errors import KasirError, ValidationError

SERVICE = "kasir-plugipay"
ENTRY = "credentials"
ENV_KEY_ID = "PLUGIPAY_KEY_ID"
ENV_SECRET = "PLUGIPAY_SECRET"
ENV_BASE_URL = "PLUGIPAY_BASE_URL"
DEFAULT_BASE_URL = "https://plugipay.com"


class CredentialsError(KasirError):
    code = "permission_denied"


@dataclass(frozen=True)
class Credentials:
    key_id: str
    secret: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    source: str = "keyring"  # keyring | environment

    def _replace_url(self, base_url: str) -> "Credentials":
        return Credentials(self.key_id, self.secret, base_url.rstrip("/"), self.source)

    def describe(self) -> dict:
        """What may be shown: never the secret."""
        return {"keyId": self.key_id, "baseUrl": self.base_url, "source": self.source}


def _keyring():
    import keyring  # lazy: keyring backends load slowly

    return keyring


def _no_backend_message() -> str:
    return ("This computer has no password store (OS keyring) that Kasir can use, so the "
            "Plugipay secret cannot be saved safely. Set PLUGIPAY_KEY_ID and PLUGIPAY_SECRET "
            "in the environment instead, or install a keyring backend.")


def validate(key_id: str, secret: str, base_url: str) -> tuple[str, str, str]:
    key_id, secret, base_url = (key_id or "").strip(), (secret or "").strip(), (base_url or "").strip()
    if not key_id:
        raise ValidationError(_("Enter the Plugipay key id (it looks like ak_live_...)."), field="key_id")
    if any(c.isspace() for c in key_id):
        raise ValidationError(_("The key id has spaces in it: copy it again from Plugipay."),
                              field="key_id")
    if not secret:
        raise ValidationError(_("Enter the Plugipay secret for that key."), field="secret")
    base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
    if not base_url.startswith(("https://", "http://")):
        raise ValidationError(_("The Plugipay address must start with https:// (or http:// for a "
                                "local sandbox)."), field="base_url")
    return key_id, secret, base_url


def save(key_id: str, secret: str, base_url: str = DEFAULT_BASE_URL) -> Credentials:
    """Store the key pair in the OS keyring (refuses if there is none)."""
    key_id, secret, base_url = validate(key_id, secret, base_url)
    kr = _keyring()
    from keyring.errors import KeyringError, NoKeyringError  # lazy: keyring backends load slowly

    blob = json.dumps({"keyId": key_id, "secret": secret, "baseUrl": base_url})
    try:
        kr.set_password(SERVICE, ENTRY, blob)
    except NoKeyringError:
        raise CredentialsError(_no_backend_message()) from None
    except KeyringError as exc:
        raise CredentialsError(_("The password store refused to save the key: {exc}.", exc=exc)) from None
    return Credentials(key_id, secret, base_url, "keyring")


def forget() -> bool:
    """Remove the stored key pair; True if there was one."""
    kr = _keyring()
    # lazy: keyring backends load slowly
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        kr.delete_password(SERVICE, ENTRY)
        return True
    except PasswordDeleteError:
        return False
    except NoKeyringError:
        return False
    except KeyringError as exc:
        raise CredentialsError(_("The password store refused: {exc}.", exc=exc)) from None


def _from_keyring() -> Credentials | None:
    from keyring.errors import KeyringError  # lazy: keyring backends load slowly

    try:
        blob = _keyring().get_password(SERVICE, ENTRY)
    except KeyringError:  # NoKeyringError included: nothing stored there
        return None
    if not blob:
        return None
    try:
        data = json.loads(blob)
        return Credentials(data["keyId"], data["secret"],
                           data.get("baseUrl") or DEFAULT_BASE_URL, "keyring")
    except (ValueError, KeyError, TypeError):
        return None


def load(environ=None) -> Credentials | None:
    """The environment wins over the keyring, field by field; None if no key pair."""
    env = os.environ if environ is None else environ
    key_id, secret = env.get(ENV_KEY_ID, "").strip(), env.get(ENV_SECRET, "").strip()
    base_url = env.get(ENV_BASE_URL, "").strip().rstrip("/")
    if key_id and secret:
        return Credentials(key_id, secret, base_url or DEFAULT_BASE_URL, "environment")
    stored = _from_keyring()
    if stored is None:
        return None
    if base_url:
        stored = Credentials(stored.key_id, stored.secret, base_url, stored.source)
    return stored


def require(environ=None) -> Credentials:
    creds = load(environ)
    if creds is None:
        raise CredentialsError(
            _("Kasir is not connected to Plugipay. Run 'kasir login' (or set PLUGIPAY_KEY_ID and "
              "PLUGIPAY_SECRET) first; until then sales wait in the queue."))
    return creds
