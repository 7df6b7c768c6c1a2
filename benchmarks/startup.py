"""Start-up: ``cnn-explorer`` to its first painted window, against a bare PySide6 + pyqtgraph
window started the same way in the same run.

Each run is a fresh Python process (warm file cache after the first round, as a user's second
start). The time is from just before the process is spawned to the first Paint event its main
window receives. Rounds alternate the two programs so a change in the machine's load hits both.

    python benchmarks/startup.py [--rounds 7] [--platform offscreen|xcb]

Targets (issue 15): the app <= 0.6 × the bare window, and <= 1 s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The same paint probe as the app's (a small module: argparse and a dict of page names)
BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
import pyqtgraph as pg
from cnn_explorer.gui.app import quit_after_first_paint

app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
window.resize(1280, 860)
quit_after_first_paint(app, window)
window.show()
app.exec()
"""

APP = "from cnn_explorer.gui.app import main; main(['--quit-after-paint'])"


def time_to_paint(code, env):
    """Seconds from spawning ``python -c code`` to the paint it reports."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120, check=False)
    for line in out.stdout.splitlines():
        if line.startswith("painted "):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no paint reported:\n{out.stdout}\n{out.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--platform", default=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=args.platform,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
               XDG_CONFIG_HOME=str(Path(os.environ.get("TMPDIR", "/tmp")) / "startup-bench"))
    time_to_paint(APP, env)          # warm the file cache and the byte-code of both
    time_to_paint(BARE_WINDOW, env)
    app, bare = [], []
    for _ in range(args.rounds):
        app.append(time_to_paint(APP, env))
        bare.append(time_to_paint(BARE_WINDOW, env))
    app_s, bare_s = statistics.median(app), statistics.median(bare)
    print(f"platform {args.platform}, {args.rounds} rounds, medians (min-max)")
    print(f"cnn-explorer first paint     {app_s * 1000:7.0f} ms ({min(app) * 1000:.0f}-"
          f"{max(app) * 1000:.0f})")
    print(f"PySide6+pyqtgraph window     {bare_s * 1000:7.0f} ms ({min(bare) * 1000:.0f}-"
          f"{max(bare) * 1000:.0f})")
    ratio = app_s / bare_s
    print(f"ratio {ratio:.2f} (target <= 0.6), app {app_s:.2f} s (target <= 1 s): "
          f"{'PASS' if ratio <= 0.6 and app_s <= 1 else 'FAIL'}")
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")


if __name__ == "__main__":
    main()
