"""Channels page: milliseconds from a typed slice value to the redrawn page, on large images.

Opens the page offscreen at 1600×1000, loads a 512×512×3 photo (the bundled astronaut) and a
2048×2048 grey picture (seeded noise, saved as a PNG file and opened as a user would: three equal
planes), then types a new weight into the red slice ``--edits`` times and prints the median time
of edit + render + repaint. The target is 50 ms; the reference line is one ``ops.conv2d`` of one
plane of the same image with a 3×3 kernel, measured in the same run (the page does three, one per
plane, plus drawing).

    QT_QPA_PLATFORM=offscreen python benchmarks/channels_edit.py [--edits 15]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from cnn_explorer.core import ops  # noqa: E402
from cnn_explorer.gui.pages.channels.channels_page import ChannelsPage  # noqa: E402

TARGET_MS = 50.0


def median_edit_ms(app, page, edits):
    times = []
    for k in range(edits):
        value = 0.5 + 0.01 * k
        new = page.state.with_slice_value(0, 1, 1, value)
        start = time.perf_counter()
        page.try_edit(f"edit {k}", changes={"weights": new.weights})
        page.repaint()
        app.processEvents()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), times


def median_conv_ms(plane, repeats):
    kernel = np.arange(9.0).reshape(3, 3)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        ops.conv2d(plane, kernel, padding="same")
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args(argv)
    from PIL import Image

    app = QApplication.instance() or QApplication([])
    page = ChannelsPage()
    page.resize(1600, 1000)
    page.show()
    app.processEvents()
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        grey = Path(folder) / "grey2048.png"
        noise = np.random.default_rng(0).integers(0, 256, (2048, 2048), dtype=np.uint8)
        Image.fromarray(noise).save(grey)
        for label, source in (("512×512×3 photo", "astronaut"), ("2048×2048 grey", str(grey))):
            page.rgb.load(source, 0)
            app.processEvents()
            assert page.state.image.shape[:2] in ((512, 512), (2048, 2048)), page.state.image.shape
            median, times = median_edit_ms(app, page, args.edits)
            conv = median_conv_ms(page.state.image[..., 0], args.edits)
            print(f"{label}: median {median:6.1f} ms per edit (min {min(times):.1f}, max "
                  f"{max(times):.1f}; target {TARGET_MS:.0f} ms: {median / TARGET_MS:.2f}× it); "
                  f"one ops.conv2d of one plane {conv:.1f} ms (edit / conv2d "
                  f"{median / conv:.1f})")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) at the end")


if __name__ == "__main__":
    main()
