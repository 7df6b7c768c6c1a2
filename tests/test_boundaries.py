"""The numeric core never loads Qt (checked in a fresh interpreter)."""

import subprocess
import sys

import pytest

from conftest import REPO


@pytest.mark.parametrize("package", ["cnn_explorer.core", "cnn_explorer.nn", "cnn_explorer.data"])
def test_core_packages_load_no_qt(package):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({package!r})\n"
        "for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in {'PySide6', 'shiboken6', 'pyqtgraph'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"{package} imported Qt modules: {out.stdout}"
