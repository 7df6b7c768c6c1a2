"""GUI responsiveness while the training page trains, and what the GUI costs the training.

The training page (in the main window, at its default size) trains the guide's model on the bundled
MNIST-5k data (batch 128, Adam) in its worker thread while a 5 ms timer in the GUI thread records
how late each of its ticks is. The same training run without any GUI (``train_steps`` iterated
directly) gives the engine's bare speed; it runs before and after the app run and the two are
averaged, so a change in the machine's load shows up as a gap between them.

    python benchmarks/ui_latency.py [--epochs 3] [--rounds 2] [--onscreen]

The app's training time runs from pressing Start to the worker's last batch (what the page draws
after that, the final predictions and confusion matrix, is printed on its own).

Targets: p99 lateness <= 16 ms; training in the app >= 95% of the bare speed.
"""

import argparse
import os
import sys
import time

import numpy as np


def bare_run(x, y, config):
    """Images per second of ``train_steps`` with nobody watching (training images only)."""
    from cnn_explorer.nn import guide_model, training

    model = guide_model.guide_convnet()
    start = time.perf_counter()
    last = None
    for last in training.train_steps(model, (x, y), config):
        pass
    return last.images_seen / (time.perf_counter() - start)


def app_run(config):
    """Images/s, lateness (s) of every 5 ms tick, snapshots drawn, seconds, GUI thread CPU s."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from cnn_explorer.gui.main_window import DEFAULT_SIZE, MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow(restore_settings=False)
    window.resize(*DEFAULT_SIZE)
    window.show()
    page = window.show_page("training")
    page.ask_to_save = False
    app.processEvents()
    c = page.controls
    c.epochs.setValue(config.epochs)
    c.batch_size.setValue(config.batch_size)
    c.validation_split.setValue(config.validation_split)
    c.seed.setValue(config.seed)

    lateness, frames = [], []
    previous = [None]

    def tick():
        now = time.perf_counter()
        if previous[0] is not None:
            lateness.append(now - previous[0] - 0.005)
        previous[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.PreciseTimer)
    timer.setInterval(5)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    ended = []
    start, cpu = time.perf_counter(), time.thread_time()
    page.start()
    page.worker.sigFrame.connect(frames.append)
    # the moment the last batch is done, in the worker thread: what the page draws once
    # training has ended (final predictions, confusion matrix) is not training time
    page.worker.sigFinished.connect(lambda _: ended.append(time.perf_counter()),
                                    Qt.DirectConnection)
    page.worker.sigFinished.connect(loop.quit)
    timer.start()
    loop.exec()
    elapsed, cpu = ended[0] - start, time.thread_time() - cpu
    finish = time.perf_counter() - ended[0]
    timer.stop()
    images = page.latest.images_seen
    page.stop_training()
    window.close()
    return images / elapsed, np.array(lateness), len(frames), elapsed, cpu, finish


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="epochs of 4,050 images per run")
    parser.add_argument("--rounds", type=int, default=2,
                        help="app runs, each between two bare runs (the machine's load varies)")
    parser.add_argument("--onscreen", action="store_true", help="use the real display")
    args = parser.parse_args(argv)
    if not args.onscreen:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from cnn_explorer.data import catalog
    from cnn_explorer.nn.training import TrainConfig

    data = catalog.load(catalog.BUNDLED)
    config = TrainConfig(epochs=args.epochs, batch_size=128, optimizer="adam",
                         learning_rate=1e-3, validation_split=0.1, seed=0, snapshot_every=1)
    print(f"guide model, {len(data.x_train):,} bundled MNIST images, batch 128, "
          f"{args.epochs} epochs, validation split 0.1, {os.cpu_count()} CPUs, "
          f"Qt platform {os.environ.get('QT_QPA_PLATFORM', 'default')}")
    bare = [bare_run(data.x_train, data.y_train, config)]
    print(f"engine without GUI: {bare[-1]:8,.0f} images/s")
    ratios, lateness = [], []
    for _ in range(args.rounds):
        speed, late, frames, elapsed, cpu, finish = app_run(config)
        bare.append(bare_run(data.x_train, data.y_train, config))
        ratios.append(speed / ((bare[-2] + bare[-1]) / 2))
        lateness.append(late)
        ms = late * 1000
        print(f"training page:      {speed:8,.0f} images/s, {frames / elapsed:.1f} snapshots drawn "
              f"per second, GUI thread busy {cpu / (elapsed + finish):.0%} of one CPU; then "
              f"{finish * 1000:.0f} ms to draw the end of the run; 5 ms timer late by "
              f"p50 {np.percentile(ms, 50):.1f} ms, p99 {np.percentile(ms, 99):.1f} ms, "
              f"max {ms.max():.1f} ms")
        print(f"engine without GUI: {bare[-1]:8,.0f} images/s")
    ms = np.concatenate(lateness) * 1000
    print(f"5 ms timer lateness over {len(ms):,} ticks: p50 {np.percentile(ms, 50):.1f} ms, "
          f"p99 {np.percentile(ms, 99):.1f} ms (target p99 <= 16 ms)")
    print(f"images/s: app {np.median([r for r in ratios]):.1%} of bare (median of "
          f"{', '.join(f'{r:.0%}' for r in ratios)}; each app run against the mean of the bare "
          f"runs before and after it; target >= 95%)")


if __name__ == "__main__":
    main()
