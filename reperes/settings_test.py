"""Settings for the test suite: a throw-away data directory, fast hashing."""

import os
import tempfile

os.environ.setdefault("REPERES_ENV", "test")
if os.environ.get("PYTEST_XDIST_WORKER"):
    # Each pytest-xdist worker gets its own data directory (keys, uploads, state files).
    os.environ["REPERES_DATA_DIR"] = tempfile.mkdtemp(prefix=f"reperes-test-{os.environ['PYTEST_XDIST_WORKER']}-")
else:
    os.environ.setdefault("REPERES_DATA_DIR", tempfile.mkdtemp(prefix="reperes-test-"))

from reperes.settings import *  # noqa: E402,F403

REPERES_WARM_AFTER_IMPORT = False  # tests call reperes.analyses.services.warm themselves
# Test databases reuse ids after each test's rollback: two tests' data could look like one version (the frames
# kept on disk are tested on their own, tests/analyses/test_frames_on_disk.py).
REPERES_FRAMES_ON_DISK = False
REPERES_BACKGROUND_SYNC = True  # reports are generated at once (the thread is tested on its own)

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not Django's shared-cache in-memory database: there, a background import
    # thread and the request that polls it fail at once with "database table is locked"
    # (shared-cache locks ignore busy_timeout). A file behaves as a real installation does.
    DATABASES["default"]["TEST"]["NAME"] = str(DATA_DIR / "test-database.sqlite3")  # noqa: F405
