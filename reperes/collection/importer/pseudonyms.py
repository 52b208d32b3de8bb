"""Keyed hashes of a whole column, fast.

The same HMAC-SHA256 as ``reperes.privacy.pseudonymise`` (a test checks they
agree), with the key's inner and outer states computed once: hashing a million
identifiers then takes about a second instead of four.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import polars as pl

# Prefixes of the hashed text of an étape's key, so that an ``id_etape`` and a
# derived identity (participant, type, start, action) can never collide.
ETAPE_ID_PREFIX = "etape\x1f"
ETAPE_DERIVED_PREFIX = "etape-derivee\x1f"

_BLOCK = 64  # SHA-256 block size


def make_hasher(key: bytes) -> Callable[[str], str]:
    """``text → HMAC-SHA256(key, text)`` as a hex digest."""
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def pseudonymise(text: str) -> str:
        i = inner.copy()
        i.update(text.encode("utf-8"))
        o = outer.copy()
        o.update(i.digest())
        return o.hexdigest()

    return pseudonymise


def hash_series(values: pl.Series, hasher: Callable[[str], str], prefix: str = "") -> pl.Series:
    """The keyed hash of every non-null value (null stays null), each distinct value hashed once."""
    uniques = values.drop_nulls().unique()
    if len(uniques) > 0.8 * len(values):
        return pl.Series(values.name, [None if v is None else hasher(prefix + v) for v in values.to_list()],
                         dtype=pl.String)
    hashes = pl.Series("h", [hasher(prefix + v) for v in uniques.to_list()], dtype=pl.String)
    mapping = pl.DataFrame({"k": uniques, "h": hashes})
    return (values.rename("k").to_frame().join(mapping, on="k", how="left", maintain_order="left")["h"]
            .rename(values.name))
