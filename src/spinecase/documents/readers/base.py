"""What every reader shares: the file handle (plain or gzip), size limits and text decoding.

A reader turns one file into :class:`~spinecase.documents.model.Document` objects and reports what it
cannot read as :class:`~spinecase.documents.model.ReadError` instead of raising, so one broken file
never stops a batch of thousands. Readers receive a :class:`Source`, which hides whether the bytes
are gzip-compressed, and a :class:`ReadOptions`.

Example::

    >>> decode_text("Patient \u00e9 T10".encode("cp1252"))
    ('Patient \u00e9 T10', 'cp1252')
    >>> human_bytes(50_000_000)
    '50 MB'
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, cast

from ..model import Document, ReadError

#: Default limit on how much of one file (or one record of a streamed file) is held in memory.
DEFAULT_MAX_BYTES = 50_000_000

GZIP_MAGIC = b"\x1f\x8b"
PDF_MAGIC = b"%PDF-"

#: Exceptions that mean "the gzip stream is truncated or damaged" rather than a bug.
GZIP_ERRORS: tuple[type[BaseException], ...] = (EOFError, gzip.BadGzipFile, zlib.error)


class TooLarge(Exception):
    """Raised by :meth:`Source.read_bytes` when a file exceeds ``max_bytes``."""


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Settings shared by all readers; ``max_bytes`` bounds the memory one file or record may use."""

    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass(frozen=True, slots=True)
class Source:
    """One file to read; ``compressed`` means gzip, decompressed transparently by :meth:`open`.

    ``doc_id`` is the file name without folder and final extension (``.gz`` is dropped first), the
    document id of formats that hold a single article: ``cases/t9-report.txt.gz`` -> ``t9-report``.
    """

    path: Path
    compressed: bool = False

    @property
    def name(self) -> str:
        return str(self.path)

    @property
    def inner_name(self) -> str:
        """File name without a ``.gz`` suffix (``x.xml.gz`` -> ``x.xml``)."""
        name = self.path.name
        if self.compressed and name.lower().endswith(".gz"):
            return name[:-3]
        return name

    @property
    def doc_id(self) -> str:
        return Path(self.inner_name).stem or self.inner_name

    def open(self) -> IO[bytes]:
        if self.compressed:
            return cast(IO[bytes], gzip.open(self.path, "rb"))
        return self.path.open("rb")

    def head(self, n: int = 65536) -> bytes:
        """The first ``n`` (decompressed) bytes, for sniffing the content type."""
        with self.open() as fh:
            return fh.read(n)

    def read_bytes(self, max_bytes: int) -> bytes:
        """The whole (decompressed) content; :class:`TooLarge` beyond ``max_bytes``.

        The limit is checked on the file size first, and on the decompressed stream as it is read, so
        a small gzip that inflates to gigabytes is stopped early.
        """
        if not self.compressed and self.path.stat().st_size > max_bytes:
            raise TooLarge
        with self.open() as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise TooLarge
        return data


class Readable(Protocol):
    """Anything with ``read(n)`` returning bytes: a file, a gzip stream, a counting wrapper."""

    def read(self, n: int = -1, /) -> bytes: ...


class ReaderFunc(Protocol):
    def __call__(self, source: Source, options: ReadOptions) -> Iterator[Document | ReadError]: ...


def human_bytes(n: int) -> str:
    """``50_000_000`` -> ``'50 MB'``; other values keep their exact byte count."""
    for unit, size in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n} bytes"


def size_limit_message(max_bytes: int, what: str = "file") -> str:
    """The error text for content over the limit; it names the limit and the keyword that sets it."""
    return f"{what} exceeds the size limit of {human_bytes(max_bytes)} (max_bytes={max_bytes})"


def too_large(source: Source, max_bytes: int, what: str = "file") -> ReadError:
    return ReadError(source.name, size_limit_message(max_bytes, what))


def gzip_error(source: Source, exc: BaseException) -> ReadError:
    return ReadError(source.name, f"truncated or corrupt gzip file: {exc}")


def read_whole(source: Source, options: ReadOptions) -> bytes | ReadError:
    """Read a whole file for the readers that need all of it at once (text, HTML, PDF)."""
    try:
        return source.read_bytes(options.max_bytes)
    except TooLarge:
        return too_large(source, options.max_bytes)
    except GZIP_ERRORS as exc:
        return gzip_error(source, exc)
    except OSError as exc:
        return ReadError(source.name, f"cannot read file: {exc.strerror or exc}")


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM begins with the UTF-16 one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16_without_bom(data: bytes) -> str | None:
    """``'utf-16-le'``/``'utf-16-be'`` when every other byte of a sample is NUL (ASCII in UTF-16)."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    if sample[1::2].count(0) >= 0.9 * half and sample[0::2].count(0) < 0.1 * half:
        return "utf-16-le"
    if sample[0::2].count(0) >= 0.9 * half and sample[1::2].count(0) < 0.1 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode bytes of a text file; returns ``(text, encoding)``.

    Order: a byte-order mark (UTF-8 BOM stripped, UTF-16/32), a ``declared`` charset (HTML), UTF-16
    without BOM (recognised by its NUL bytes), strict UTF-8, then cp1252 (Windows "ANSI", the usual
    encoding of older exported text), then Latin-1, which accepts every byte sequence.
    """
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data.decode(enc, errors="replace")
            return text.removeprefix("\ufeff"), enc
    if declared:
        try:
            return data.decode(declared), declared.lower()
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration is common; fall through to detection
    if b"\x00" in data[:4096]:
        enc16 = _looks_utf16_without_bom(data)
        if enc16:
            return data.decode(enc16, errors="replace"), enc16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
