"""Channels page: milliseconds from a typed slice value to the redrawn page, on large images.

Opens the page offscreen at 1600×1000, loads a 512×512×3 photo (the bundled astronaut) and a
2048×2048 grey picture (seeded noise, saved as a PNG file and opened as a user would: three equal
planes), then types a new weight into the red slice ``--edits`` times and prints the median time
of edit + render + repaint. The target is 50 ms. The reference, measured in the same run on the
same data, is the least an exact redraw must compute: ``scipy.ndimage.correlate`` of one plane
with the edited 3×3 slice (the page also adds the three partial maps and the bias, checks them,
and draws the map and its ReLU). ``ops.conv2d`` of that plane is printed beside it.

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
from scipy import ndimage

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


def median_ms(call, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
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
            plane, kernel = page.state.image[..., 0], page.state.weights[..., 0, 0]
            reference = median_ms(lambda: ndimage.correlate(plane, kernel, mode="constant"),
                                  args.edits)
            conv = median_ms(lambda: ops.conv2d(plane, kernel, padding="same"), args.edits)
            verdict = "meets" if median <= TARGET_MS else "misses"
            print(f"{label}: median {median:6.1f} ms per edit (min {min(times):.1f}, max "
                  f"{max(times):.1f}) {verdict} the {TARGET_MS:.0f} ms target; reference "
                  f"ndimage.correlate of one plane {reference:.1f} ms (edit / reference "
                  f"{median / reference:.1f}); ops.conv2d of one plane {conv:.1f} ms")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) at the end")


if __name__ == "__main__":
    main()
