"""Settings for the test suite: a throw-away data directory, fast hashing."""

import os
import tempfile

os.environ.setdefault("REPERES_ENV", "test")
os.environ.setdefault("REPERES_DATA_DIR", tempfile.mkdtemp(prefix="reperes-test-"))

from reperes.settings import *  # noqa: E402,F403
