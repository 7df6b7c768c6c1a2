"""TrainingWorker and DownloadWorker in real QThreads, on a tiny model and a slice of the data."""

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QObject, Qt, Slot

from cnn_explorer.data import catalog
from cnn_explorer.gui.workers import DownloadWorker, TrainingWorker, start_in_thread
from cnn_explorer.nn import layers as L
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.training import TrainConfig

# Qt warnings fail a test (e.g. a timer touched from the worker thread); the offscreen
# platform's own note about size hints is not ours.
pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture(scope="module")
def digits():
    data = catalog.load(catalog.BUNDLED)
    return data.x_train[:384], data.y_train[:384]


def tiny_model():
    return Sequential([L.Conv2D(4, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                       L.Dense(10, activation="softmax")], seed=1)


class Recorder(QObject):
    """Collects what a worker emits; as a QObject of the GUI thread its slots run there (queued)."""

    def __init__(self, worker, keep_asking=False):
        super().__init__()
        self.snapshots, self.epoch_ends, self.errors, self.finished = [], [], [], []
        self.paused, self.stepped = [], []
        self._worker = worker if keep_asking else None   # a frame clock as fast as frames come
        if keep_asking:
            worker.request_frame()
        worker.sigFrame.connect(self.on_snapshot)
        worker.sigStepped.connect(self.on_stepped)
        worker.sigEpochEnd.connect(self.on_epoch_end)
        worker.sigPaused.connect(self.on_paused)
        worker.sigError.connect(self.on_error)
        worker.sigFinished.connect(self.on_finished)

    @Slot(object)
    def on_snapshot(self, snapshot):
        self.snapshots.append(snapshot)
        if self._worker is not None:
            self._worker.request_frame()

    @Slot(object, str)
    def on_stepped(self, snapshot, report):
        self.stepped.append((snapshot, report))

    @Slot(object, object)
    def on_epoch_end(self, snapshot, probabilities):
        self.epoch_ends.append((snapshot, probabilities))

    @Slot(object)
    def on_paused(self, snapshot):
        self.paused.append(snapshot)

    @Slot(str)
    def on_error(self, message):
        self.errors.append(message)

    @Slot(object)
    def on_finished(self, snapshot):
        self.finished.append(snapshot)


def run(qtbot, worker, timeout=20000):
    record = Recorder(worker)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: bool(record.finished), timeout=timeout)
    assert thread.wait(1000)
    return record


def test_a_run_delivers_every_epoch_end_and_a_final_snapshot(qtbot, digits):
    config = TrainConfig(epochs=2, batch_size=64, validation_split=0.25, snapshot_every=1)
    x_val = digits[0][:96]
    worker = TrainingWorker(tiny_model(), digits, config, eval_x=x_val)
    record = run(qtbot, worker)
    assert record.errors == []
    assert [s.epoch for s, _ in record.epoch_ends] == [0, 1]
    assert all(p.shape == (96, 10) for _, p in record.epoch_ends)
    np.testing.assert_allclose(record.epoch_ends[0][1].sum(axis=1), 1, rtol=1e-5)
    final = record.finished[0]
    assert final.done and final.reason == "finished"
    # no frame was asked for: only the epoch ends (the last one is the final snapshot)
    assert [s.epoch for s in record.snapshots] == [0, 1]
    assert all(s.epoch_end and len(s.conv_kernels) == 1 and s.weights for s in record.snapshots)


def test_a_frame_comes_when_asked_with_the_kernels_only(qtbot, digits):
    # every batch copied the kernels twice and all the weights, drawn or not
    config = TrainConfig(epochs=1, batch_size=8, validation_split=0.0, snapshot_every=1)
    worker = TrainingWorker(tiny_model(), digits, config)
    worker.request_frame()
    record = run(qtbot, worker)
    batches = len(digits[0]) // 8
    first, last = record.snapshots
    assert first.step == 1 and first.conv_kernels[0].shape == (3, 3, 1, 4) and first.weights == ()
    assert last.done and last.step == batches and len(last.weights) == 4


def test_max_batches_stops_after_exactly_that_many_batches(qtbot, digits):
    # the page's train_batches counted throttled snapshots: a whole epoch could pass between two
    config = TrainConfig(epochs=3, batch_size=8, validation_split=0.0, snapshot_every=1)
    model = tiny_model()
    record = run(qtbot, TrainingWorker(model, digits, config, max_batches=5))
    final = record.finished[0]
    assert final.reason == "stopped" and final.step == 5
    assert model.optimizer.iterations == 5 and model.history["loss"] == []


def test_pause_stops_batches_until_resume_and_stop_ends_the_thread_quickly(qtbot, digits):
    config = TrainConfig(epochs=50, batch_size=16, validation_split=0.0, snapshot_every=1)
    worker = TrainingWorker(tiny_model(), digits, config)
    record = Recorder(worker, keep_asking=True)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: len(record.snapshots) >= 2, timeout=10000)
    worker.pause()
    qtbot.waitUntil(lambda: bool(record.paused), timeout=5000)
    step = record.paused[0].step
    qtbot.wait(300)  # let any queued snapshot arrive: none may be newer than the pause
    assert max(s.step for s in record.snapshots) == step
    worker.resume()
    qtbot.waitUntil(lambda: record.snapshots[-1].step > step + 2, timeout=5000)
    start = time.perf_counter()
    worker.stop()
    assert thread.wait(1000)
    assert time.perf_counter() - start < 1.0
    qtbot.waitUntil(lambda: bool(record.finished), timeout=1000)
    assert record.finished[0].reason == "stopped"


def test_stop_wakes_a_paused_worker(qtbot, digits):
    config = TrainConfig(epochs=50, batch_size=16, validation_split=0.0)
    worker = TrainingWorker(tiny_model(), digits, config)
    record = Recorder(worker)
    thread = start_in_thread(worker)
    worker.pause()
    qtbot.waitUntil(lambda: bool(record.paused), timeout=10000)
    worker.stop()
    assert thread.wait(1000)


def test_slow_motion_keeps_to_its_speed_and_still_stops_within_a_batch(qtbot, digits):
    config = TrainConfig(epochs=50, batch_size=16, validation_split=0.0)
    worker = TrainingWorker(tiny_model(), digits, config, speed=20.0)
    record = Recorder(worker, keep_asking=True)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: len(record.snapshots) >= 2, timeout=10000)
    start, first = time.perf_counter(), record.snapshots[-1].step
    qtbot.waitUntil(lambda: record.snapshots[-1].step >= first + 4, timeout=10000)
    assert time.perf_counter() - start >= 4 / 20 * 0.9      # no faster than 20 batches/s
    worker.set_speed(0.2)                                    # one batch every 5 s
    qtbot.wait(200)
    start = time.perf_counter()
    worker.stop()
    assert thread.wait(1000) and time.perf_counter() - start < 1.0


def test_step_trains_exactly_one_batch_and_says_what_it_did(qtbot, digits):
    config = TrainConfig(epochs=5, batch_size=16, validation_split=0.0)
    model = tiny_model()
    worker = TrainingWorker(model, digits, config, paused=True)
    record = Recorder(worker)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: bool(record.paused), timeout=10000)
    assert model.optimizer is None or model.optimizer.iterations == 0
    for k in (1, 2):
        worker.step()
        qtbot.waitUntil(lambda: len(record.stepped) == k and len(record.paused) == k + 1,
                        timeout=10000)
        assert model.optimizer.iterations == k and worker.paused
        snapshot, report = record.stepped[-1]
        assert snapshot.step == k and len(snapshot.weights) == 4
        assert report.startswith(f"One batch (epoch 1, batch {k}): forward pass → loss ")
        assert "the weights moved by" in report
    worker.stop()
    assert thread.wait(1000)


def test_an_exception_in_training_becomes_an_error_signal(qtbot, digits):
    wrong_size = np.zeros((32, 20, 20), np.uint8), np.zeros(32, np.int64)
    worker = TrainingWorker(tiny_model(), wrong_size, TrainConfig(epochs=1, batch_size=8))
    record = run(qtbot, worker)
    assert len(record.errors) == 1 and record.errors[0].startswith("Training failed:")
    assert record.finished == [None]


def test_download_worker_reports_progress_and_can_be_cancelled(qtbot):
    def fake_download(name, progress, should_cancel):
        for done in range(0, 101, 10):
            progress(done, 100)
            if should_cancel():
                raise catalog.DownloadCancelled("cancelled")
            time.sleep(0.01)
        return f"/cache/{name}"

    worker = DownloadWorker("mnist", fake_download)
    record = DownloadRecorder(worker)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: bool(record.finished), timeout=5000)
    assert thread.wait(1000)
    assert record.finished == ["/cache/mnist"] and record.progress[-1] == (100, 100)

    worker = DownloadWorker("mnist", fake_download)
    record = DownloadRecorder(worker)
    worker.sigProgress.connect(lambda d, t: worker.cancel(), Qt.DirectConnection)
    thread = start_in_thread(worker)
    qtbot.waitUntil(lambda: bool(record.finished), timeout=5000)
    assert thread.wait(1000)
    assert record.finished == [""] and record.errors == ["Download cancelled."]


class DownloadRecorder(QObject):
    def __init__(self, worker):
        super().__init__()
        self.progress, self.errors, self.finished = [], [], []
        worker.sigProgress.connect(self.on_progress)
        worker.sigError.connect(self.on_error)
        worker.sigFinished.connect(self.on_finished)

    @Slot(int, int)
    def on_progress(self, done, total):
        self.progress.append((done, total))

    @Slot(str)
    def on_error(self, message):
        self.errors.append(message)

    @Slot(str)
    def on_finished(self, path):
        self.finished.append(path)


def test_the_probe_runs_in_the_worker_thread_at_every_epoch_end(qtbot, digits):
    x = digits[0][:5]

    def probe(model):
        return threading.current_thread() is threading.main_thread(), model.predict(x)

    config = TrainConfig(epochs=2, batch_size=64, validation_split=0.0)
    worker = TrainingWorker(tiny_model(), digits, config, probe=probe)
    worker.request_frame(probe=True)
    probes = ProbeRecorder(worker)
    run(qtbot, worker)
    # the first batch (asked), each epoch end (the last is also the final snapshot): 3 probes
    assert len(probes.results) == 3
    assert not any(in_main for in_main, _ in probes.results)
    assert all(p.shape == (5, 10) for _, p in probes.results)
    assert not np.array_equal(probes.results[0][1], probes.results[-1][1])  # it learned


class ProbeRecorder(QObject):
    def __init__(self, worker):
        super().__init__()
        self.results = []
        worker.sigProbe.connect(self.on_probe)

    @Slot(object)
    def on_probe(self, result):
        self.results.append(result)
