"""Importing python-escpos without its side effects.

`import escpos.printer` re-parses the capabilities file into a pickle in a
fresh temporary folder each time (and leaves the folder behind) and calls
`logging.basicConfig()`. Kasir imports it lazily, points the pickle at a cache
folder of its own, and undoes the logging change.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from pathlib import Path

from platformdirs import user_cache_dir

_lock = threading.Lock()
_module = None


def cache_dir() -> Path:
    path = Path(os.environ.get("KASIR_CACHE_DIR") or user_cache_dir("kasir", False)) / "escpos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def escpos_printer():
    """The `escpos.printer` module, imported once, quietly."""
    global _module
    if _module is not None:
        return _module
    with _lock:
        if _module is None:
            cache = str(cache_dir())
            os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", cache)
            root = logging.getLogger()
            handlers, level = list(root.handlers), root.level
            real_mkdtemp = tempfile.mkdtemp
            # capabilities.py evaluates mkdtemp() even when the folder is given.
            tempfile.mkdtemp = lambda *a, **k: cache
            try:
                import escpos.printer as module  # lazy: ~0.5 s, see the docstring
            finally:
                tempfile.mkdtemp = real_mkdtemp
                for h in list(root.handlers):
                    if h not in handlers:
                        root.removeHandler(h)
                root.setLevel(level)
            _module = module
    return _module
