"""The numeric core never loads Qt (checked in a fresh interpreter)."""

import subprocess
import sys

import pytest

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


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


def test_import_contracts_hold():
    """The contracts in pyproject.toml ([tool.importlinter]): run as the README's command does."""
    linter = Path(sys.executable).with_name("lint-imports")
    if not linter.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    out = subprocess.run([str(linter)], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]


def test_no_import_cycles():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("cnn_explorer")
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if imported != importer and graph.chain_exists(imported=importer, importer=imported):
                cycles.append(f"{importer} -> {imported}")
    assert not cycles, "import cycles: " + "; ".join(cycles)


def test_every_gui_module_is_qt_code():
    # Qt-free code belongs in core, nn or data, where it can be tested and reused without Qt
    import re

    qt = re.compile(r"^\s*(from|import)\s+(PySide6|pyqtgraph|superqt)\b", re.M)
    gui = REPO / "cnn_explorer" / "gui"
    stray = [str(p.relative_to(REPO)) for p in sorted(gui.rglob("*.py"))
             if p.name != "__init__.py" and not qt.search(p.read_text(encoding="utf-8"))]
    assert stray == []


def test_the_wheel_carries_every_resource_the_app_reads():
    # the installed app reads resources/ from <prefix>/share/cnn-explorer: a file left out of
    # [tool.setuptools.data-files] works from the source tree and fails once installed
    import fnmatch
    import tomllib

    data_files = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"]
    patterns = [pattern for patterns in data_files.values() for pattern in patterns]
    resources = [str(p.relative_to(REPO)) for p in (REPO / "resources").rglob("*")
                 if p.is_file() and "screenshots" not in p.parts]
    missing = [f for f in resources if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert missing == []
