"""Where a statement's bytes come from: a file, read a chunk at a time and never
held whole, or bytes already in memory. Each reader opens its own stream from
the start, so the file can be read more than once (detection, a date-format
pass, the import itself) without keeping it."""

from __future__ import annotations

import codecs
import io
import os
from pathlib import Path
from typing import BinaryIO, Iterator, TextIO

CHUNK = 1 << 16  # bytes read at a time
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # Excel's "Unicode text" export


class Source:
    """A statement file's bytes (give `path` or `data`)."""

    def __init__(self, *, path: str | os.PathLike | None = None, data: bytes | None = None,
                 chunk: int = CHUNK):
        if (path is None) == (data is None):
            raise TypeError("give a path or data")
        self.path = None if path is None else Path(path)
        self.data = data
        self.chunk = chunk
        self._encoding: str | None = None

    @classmethod
    def of(cls, what: "Source | bytes | str | os.PathLike") -> "Source":
        if isinstance(what, Source):
            return what
        if isinstance(what, (bytes, bytearray, memoryview)):
            return cls(data=bytes(what))
        return cls(path=what)

    @classmethod
    def from_path(cls, path: str | os.PathLike, chunk: int = CHUNK) -> "Source":
        """A file's source, its readability checked now (an OSError if it cannot be read)."""
        with open(path, "rb") as f:
            f.read(1)
        return cls(path=path, chunk=chunk)

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        return open(self.path, "rb")

    def size(self) -> int:
        return len(self.data) if self.data is not None else self.path.stat().st_size

    def chunks(self) -> Iterator[bytes]:
        with self.open() as f:
            while chunk := f.read(self.chunk):
                yield chunk

    def head(self, n: int = 65536) -> bytes:
        if self.data is not None:
            return self.data[:n]
        with self.open() as f:
            return f.read(n)

    def read(self) -> bytes:
        """All of it, for the formats parsed whole (OFX, MT940: small files)."""
        if self.data is not None:
            return self.data
        return self.path.read_bytes()

    def is_blank(self) -> bool:
        return not any(chunk.strip() for chunk in self.chunks())

    def encoding(self) -> str:
        """UTF-16 when it starts with a byte-order mark and decodes so, else UTF-8 (a
        BOM skipped), else cp1252, else latin-1: the first that decodes the whole file,
        tried a chunk at a time."""
        if self._encoding is None:
            tried = ("utf-16",) if self.head(2) in _UTF16_BOMS else ()
            self._encoding = next((enc for enc in (*tried, "utf-8-sig", "cp1252")
                                   if self._decodes(enc)), "latin-1")
        return self._encoding

    def _decodes(self, encoding: str) -> bool:
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for chunk in self.chunks():
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
        return True

    def text(self) -> TextIO:
        """The decoded text from the start, newlines untranslated (as csv wants them)."""
        return io.TextIOWrapper(self.open(), encoding=self.encoding(), newline="")

