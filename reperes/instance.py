"""Where an instance lives: its data directory and the secrets kept there.

Nothing here imports Django: the settings module and the CLI both use it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEFAULT_DATA_DIR = "reperes-data"
# A placeholder that production refuses (``reperes check``, ``reperes serve``).
INSECURE_SECRET = "reperes-insecure-default-secret-key"
SECRET_FILE = "secret_key"
PSEUDONYM_KEY_FILE = "pseudonym.key"


def data_dir() -> Path:
    path = Path(os.environ.get("REPERES_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _read_or_create(path: Path) -> str:
    """A secret kept in a file of mode 600, created on first use."""
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    value = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(value + "\n")
    return value


def secret_key(env: str) -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if env == "production":
        return INSECURE_SECRET
    return _read_or_create(data_dir() / SECRET_FILE)


def pseudonym_key_path() -> Path:
    return data_dir() / PSEUDONYM_KEY_FILE


def pseudonym_key() -> bytes:
    """The key of the keyed hash that replaces participant identifiers.

    ``REPERES_PSEUDONYM_KEY`` when set, else a key generated on first use in the
    data directory (mode 600). Losing it means re-imports no longer match the
    stored participants: it is part of every backup.
    """
    value = os.environ.get("REPERES_PSEUDONYM_KEY") or _read_or_create(pseudonym_key_path())
    return value.encode("utf-8")
