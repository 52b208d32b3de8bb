"""Keyed-hash pseudonymisation of participant identifiers (HMAC-SHA256).

The raw identifier is never stored nor logged: only its keyed hash. The same
raw identifier always gives the same hash with the same key, so re-imports
match; with another key nothing matches any more.
"""

from __future__ import annotations

import hashlib
import hmac
import re

# 13 digits (sex, year, month, department, commune, order) and a 2-digit key, spaces allowed.
NIR_PATTERN = re.compile(r"(?<!\d)[12378]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2A|2B)\s?\d{3}\s?\d{3}\s?\d{2}(?!\d)")
MASKED = "[masqué]"


def pseudonymise(raw: str, key: bytes) -> str:
    return hmac.new(key, raw.encode("utf-8"), hashlib.sha256).hexdigest()


def looks_like_nir(text: str | None) -> bool:
    return bool(text) and NIR_PATTERN.search(str(text)) is not None
