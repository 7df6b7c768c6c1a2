"""Shared test set-up: headless Qt, seeded RNGs, the shared data folder."""

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property tests: the same examples on every run (derandomize) and a bounded budget per test;
# the whole property suite adds about half a minute.
settings.register_profile("project", derandomize=True, max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.load_profile("project")

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings go to a folder of the test run, never the user's ~/.config (Qt reads this once).
SETTINGS_HOME = tempfile.mkdtemp(prefix="cnn-explorer-test-settings-")
os.environ["XDG_CONFIG_HOME"] = SETTINGS_HOME
os.environ["XDG_DATA_HOME"] = SETTINGS_HOME     # the crash log, too
atexit.register(shutil.rmtree, SETTINGS_HOME, ignore_errors=True)

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture
def rng():
    """A seeded generator: every test that draws random numbers uses this."""
    return np.random.default_rng(20261125)


@pytest.fixture
def shared_data():
    """``../shared/data`` (MNIST test set for tests only); skips if it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not beside the repository")
    return SHARED_DATA


@pytest.fixture(autouse=True)
def fresh_settings():
    """Every test starts from default settings: what one test saved never steers the next."""
    yield
    if "cnn_explorer.gui.settings" in sys.modules:
        sys.modules["cnn_explorer.gui.settings"].settings().clear()
