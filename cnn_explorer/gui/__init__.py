"""The Qt user interface: the only package that imports Qt."""

import os

# Qt's raster engine splits large fills over a pool of threads of its own, and the GUI thread
# waits for them; while a model trains, the engine's threads hold every core, so the pool's
# threads slowed both the training and the GUI (measured: benchmarks/ui_latency.py). Qt reads
# this when it first paints, so it holds for every window this package makes.
os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
