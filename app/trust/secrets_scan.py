"""Looking for secrets where none may be: the database (and its log), backups,
configuration, logs and crash reports. Each secret is looked for as written and
in the usual encodings, byte by byte, so that SQLite pages and binary files count."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Finding:
    path: Path
    secret_label: str
    encoding: str


def _forms(secret: str) -> dict[str, bytes]:
    raw = secret.encode("utf-8")
    return {"plain": raw, "utf-16": secret.encode("utf-16-le"),
            "base64": base64.b64encode(raw).rstrip(b"="),
            "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode()}


def scan(paths, secrets: dict[str, str]) -> list[Finding]:
    """Every file under `paths` (files or folders) that holds any of `secrets`
    (label -> value). Secrets shorter than 6 characters are refused: too many
    false alarms in binary files."""
    needles = []
    for label, value in secrets.items():
        if len(value) < 6:
            raise ValueError(f"secret {label!r} is too short to scan for")
        needles += [(label, enc, form) for enc, form in _forms(value).items()]
    found = []
    for root in map(Path, paths):
        files = [root] if root.is_file() else [Path(d) / f for d, _, fs in os.walk(root) for f in fs]
        for f in files:
            try:
                data = f.read_bytes()
            except OSError:
                continue
            for label, enc, form in needles:
                if form in data:
                    found.append(Finding(f, label, enc))
    return found
