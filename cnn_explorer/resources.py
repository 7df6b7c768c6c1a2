"""Where the files of the top-level ``resources/`` folder live (Qt-free).

From a source tree (or a PyInstaller bundle) they sit beside the package; an installed wheel
puts them under ``<prefix>/share/cnn-explorer``.
"""

import sys
from pathlib import Path

_BESIDE_PACKAGE = Path(__file__).resolve().parent.parent / "resources"
RESOURCES = _BESIDE_PACKAGE if (_BESIDE_PACKAGE / "mnist-5k").is_dir() \
    else Path(sys.prefix) / "share" / "cnn-explorer"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, e.g. ``resource_path("mnist-5k")``."""
    return RESOURCES.joinpath(*parts)
