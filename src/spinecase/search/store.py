"""Where a similar-cases index is kept between runs: a cache folder per registry.

The folder is ``$SPINECASE_CACHE_DIR/similar/<key>/`` (default ``$XDG_CACHE_HOME/spinecase``, else
``~/.cache/spinecase``), the key a hash of the registry's URL (for SQLite, of the database file's
absolute path; passwords never enter it). An in-memory SQLite registry has no folder. Each save writes
a complete new generation folder and then switches the ``CURRENT`` pointer to it with an atomic
rename, so a reader never sees half an index; older generations are removed.

A cache is only a head start: it records the registry fingerprint and the stamp of every case it
holds, and the next refresh reconciles it with the registry, so a stale, foreign or damaged cache costs
time, never a wrong answer (a damaged one is ignored and rebuilt).

Example::

    >>> from sqlalchemy.engine import make_url
    >>> cache_key(make_url("sqlite:///:memory:")) is None
    True
    >>> len(cache_key(make_url("postgresql+psycopg://me:secret@db/registry")))
    16
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import URL

from .features import FeatureTable, Vocabs
from .index import SimilarIndex
from .text import TOKENIZER_VERSION

FORMAT = 1
ENV_CACHE = "SPINECASE_CACHE_DIR"


def cache_root() -> Path:
    """The folder that holds every registry's similar-cases cache."""
    base = os.environ.get(ENV_CACHE)
    if base:
        return Path(base).expanduser() / "similar"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "spinecase" / "similar"


def cache_key(url: URL) -> str | None:
    """A short stable key for a registry URL; ``None`` for an in-memory database."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or "mode=memory" in str(url):
            return None
        ident = "sqlite:" + str(Path(database).expanduser().resolve())
    else:
        ident = url.set(password=None).render_as_string(hide_password=True)
    return hashlib.sha256(ident.encode()).hexdigest()[:16]


def _current(folder: Path) -> Path | None:
    try:
        name = (folder / "CURRENT").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    gen = folder / name
    return gen if name and gen.is_dir() else None


def save_index(index: SimilarIndex, folder: Path, label: str = "") -> Path:
    """Write ``index`` as a new generation of ``folder`` and make it current; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    gen = folder / f"g{time.time_ns()}-{os.getpid()}"
    tmp = folder / f".{gen.name}.tmp"
    tmp.mkdir()
    try:
        arrays = index.table.arrays() | {
            "stamps": index.stamps,
            "tok_flat": index.tok_flat,
            "tok_offsets": index.tok_offsets,
        }
        with open(tmp / "index.npz", "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
        if index.bm25 is not None:
            index.bm25.save(str(tmp / "bm25"), show_progress=False)
        tokens = sorted(index.token_ids, key=index.token_ids.__getitem__)
        manifest = {
            "format": FORMAT,
            "tokenizer": index.tokenizer_version,
            "registry": label,
            "state": list(index.state) if index.state is not None else None,
            "vocabs": index.table.vocab.to_json(),
            "tokens": tokens,
            "cases": len(index),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        tmp.rename(gen)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = folder / f".CURRENT.{os.getpid()}.tmp"
    pointer.write_text(gen.name, encoding="utf-8")
    os.replace(pointer, folder / "CURRENT")
    for old in folder.iterdir():
        if not old.is_dir() or old == gen:
            continue
        with contextlib.suppress(OSError):
            # a reader still loading an older generation fails and rebuilds: slower, never wrong;
            # a temporary folder is left alone for a while in case its writer is still at work
            if old.name.startswith("g") or time.time() - old.stat().st_mtime > 600:
                shutil.rmtree(old, ignore_errors=True)
    return gen


def load_index(folder: Path, index: SimilarIndex | None = None) -> SimilarIndex | None:
    """The current generation of ``folder`` loaded into a :class:`SimilarIndex`, or ``None`` when there
    is none or it cannot be used (other format or tokenizer, damaged files)."""
    gen = _current(folder)
    if gen is None:
        return None
    try:
        manifest: dict[str, Any] = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("tokenizer") != TOKENIZER_VERSION:
            return None
        with np.load(gen / "index.npz", allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        out = index or SimilarIndex()
        out.table = FeatureTable.from_arrays(Vocabs.from_json(manifest["vocabs"]), arrays)
        out.stamps = arrays["stamps"]
        out.tok_flat, out.tok_offsets = arrays["tok_flat"], arrays["tok_offsets"]
        out.token_ids = {t: i for i, t in enumerate(manifest["tokens"])}
        out.state = tuple(manifest["state"]) if manifest.get("state") else None
        out.bm25 = None
        if len(out) and (gen / "bm25").is_dir():
            import bm25s

            out.bm25 = bm25s.BM25.load(str(gen / "bm25"), show_progress=False)
        elif len(out):
            out.build_bm25()
        return out
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None
