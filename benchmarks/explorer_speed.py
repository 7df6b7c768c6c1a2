"""How fast the Convolution 2D page steps and redraws (figures printed, nothing asserted).

1. Playback: a 64×64 input with a 3×3 kernel played at 60 steps/s through the page's own
   stepper and Qt event loop for a few seconds, the page at 1280×860. Prints the achieved
   steps/s and the frame time (from the timer tick to the end of Qt's repaint of what changed):
   median, p99 and max. Target: 60 steps/s, frame p99 ≤ 8 ms.
2. Kernel edit on a 512×512 image: the time from a kernel edit (``page.set_kernel``: the new
   state checked and planned by ``core``, pushed on the undo stack, rendered) to the repainted
   page, the whole output feature map included. Target: median ≤ 8 ms. The reference measured
   in the same run is the plan alone (``core.conv_state.conv_plan``), the work no page can skip.

    QT_QPA_PLATFORM=offscreen python benchmarks/explorer_speed.py [--seconds 5]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from cnn_explorer.core.conv_state import conv_plan  # noqa: E402
from cnn_explorer.gui.pages.convolution.conv2d_page import Conv2DPage  # noqa: E402

SIZE = (1280, 860)


def percentile(values, q):
    return float(np.percentile(np.asarray(values), q))


def make_page(app):
    page = Conv2DPage()
    page.resize(*SIZE)
    page.show()
    app.processEvents()
    return page


def playback(app, seconds):
    page = make_page(app)
    rng = np.random.default_rng(0)
    page.set_data(np.round(rng.random((64, 64)), 2))
    page.stepper.to_start()
    page.stepper.set_speed(60)
    frames = []

    def on_step(_):
        frames.append(1)

    # a frame: the timer tick, the page drawing the new step, and Qt repainting what changed
    ticks = []
    original_tick = page.stepper._on_tick

    def timed_tick():
        start = time.perf_counter()
        before = page.stepper.step()
        original_tick()
        if page.stepper.step() != before:
            app.processEvents()
            ticks.append(time.perf_counter() - start)

    page.stepper._timer.timeout.disconnect()
    page.stepper._timer.timeout.connect(timed_tick)
    page.stepper.sigStepChanged.connect(on_step)
    loop = QEventLoop()
    first = page.stepper.step()
    start = time.perf_counter()
    page.stepper.play()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    elapsed = time.perf_counter() - start
    page.stepper.pause()
    steps = page.stepper.step() - first
    frame_ms = [t * 1000 for t in ticks if t > 0]
    print(f"playback 64×64 input, 3×3 kernel, asked 60 steps/s for {seconds:g} s: "
          f"achieved {steps / elapsed:.1f} steps/s ({steps} steps, {len(frames)} frames drawn)")
    print(f"frame time (tick + step + repaint): median {statistics.median(frame_ms):.2f} ms, "
          f"p99 {percentile(frame_ms, 99):.2f} ms, max {max(frame_ms):.2f} ms; "
          f"frames over 8 ms: {sum(t > 8 for t in frame_ms)} (target p99 ≤ 8 ms)")
    page.close()


def kernel_edit(app, repeats=20):
    page = make_page(app)
    rng = np.random.default_rng(1)
    page.set_data(rng.random((512, 512)))
    page.options.padding.setCurrentText("same")
    app.processEvents()
    kernels = [np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], float) * (1 + i % 3)
               for i in range(repeats + 3)]
    plan_times = []
    for kernel in kernels[3:]:
        start = time.perf_counter()
        conv_plan(page.state.__class__(page.state.data, kernel, None, "same"))
        plan_times.append((time.perf_counter() - start) * 1000)
    times = []
    for i, kernel in enumerate(kernels):
        start = time.perf_counter()
        page.set_kernel(kernel)
        app.processEvents()              # Qt repaints what changed: output, kernel, formula...
        if i >= 3:                       # the first edits warm caches
            times.append((time.perf_counter() - start) * 1000)
    assert not page.message.isVisible(), page.message.text()
    shown = page.output_map.values()
    assert not np.isnan(shown).any(), "the whole output should be on screen"
    edit, plan = statistics.median(times), statistics.median(plan_times)
    print(f"kernel edit -> redrawn 512×512 output ({repeats} edits): median {edit:.2f} ms, "
          f"max {max(times):.2f} ms (target ≤ 8 ms); the plan alone: median {plan:.2f} ms; "
          f"page / plan = {edit / plan:.2f}")
    page.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    playback(app, args.seconds)
    kernel_edit(app)
    return 0


if __name__ == "__main__":
    sys.exit(main())
