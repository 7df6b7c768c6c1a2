"""What the training page draws in one turn of the event loop, and that it is still all drawn."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtWidgets import QLabel

from test_training_page import in_window, page  # noqa: F401 (the same fixtures)

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]


class Recorder(QObject):
    """Calls ``look()`` in the GUI thread when a connected signal arrives (a lambda connected
    to a worker's signal would run in the worker's thread)."""

    def __init__(self, look):
        super().__init__()
        self.look = look
        self.seen = []

    @Slot(object, object)
    def record(self, snapshot, _):
        self.seen.append((snapshot.epoch, *self.look()))


def test_an_epochs_confusion_matrix_comes_a_tick_after_its_curves_and_is_drawn(qtbot, page):
    # an epoch's end drew its validation points, the confusion matrix and the predictions in
    # one turn of the event loop: the longest stall of the GUI while training
    qtbot.mouseClick(page.controls.start_button, Qt.LeftButton)
    # connected after the page's slots: it sees what the page drew in the epoch end's turn
    in_the_same_turn = Recorder(lambda: (page.views.confusion.table.rowCount(),
                                         len(page.views.curves.data("val_loss")[0])))
    page.worker.sigEpochEnd.connect(in_the_same_turn.record)
    n_val = len(page.feed.val[1])
    qtbot.waitUntil(lambda: page.views.confusion.table.rowCount() == 10, timeout=20000)
    assert in_the_same_turn.seen[0] == (0, 0, 1)   # the point was drawn, the matrix not yet
    assert page.running                        # drawn during the run, not only at its end
    assert page.views.confusion.counts.sum() == n_val
    assert page.views.confusion.when_label.text().startswith("Counted after epoch ")
    page.stop()
    qtbot.waitUntil(lambda: not page.running, timeout=20000)
    # the final weights' matrix is drawn when the run ends, although the clock stopped
    predicted = page.view_model.predict(page.feed.val[0]).argmax(axis=1)
    np.testing.assert_array_equal(page.feed.val_predicted, predicted)


def test_another_page_shown_draws_no_curves_and_coming_back_shows_every_point(qtbot, in_window):
    window, page = in_window
    page.controls.epochs.setValue(40)
    page.start()
    qtbot.waitUntil(lambda: page.latest is not None and page.latest.step >= 2, timeout=20000)
    window.show_page("model")
    drawn = lambda: page.views.curves.drawn("loss")  # noqa: E731
    # the run goes on; the hidden curves keep their points without drawing them
    qtbot.waitUntil(lambda: len(page.views.curves.data("loss")[0]) >= len(drawn()) + 2,
                    timeout=10000)
    window.show_page("training")
    np.testing.assert_array_equal(drawn(), page.views.curves.data("loss")[0])
    page.stop_training()



class PaintCounter(QObject):
    def __init__(self, widget):
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        self.count += event.type() == QEvent.Paint
        return False


def test_a_frame_of_a_run_repaints_the_boxes_it_changed_not_the_whole_window(qtbot, in_window):
    # each frame's changed views, labels and progress bar painted the window, the tabs and every
    # box from the top down (they are see-through), and each epoch's new confusion title and
    # headers re-laid the window out: most of the GUI's time while training
    window, page = in_window
    page.controls.epochs.setValue(80)       # 5 batches an epoch: many epoch ends among frames
    page.start()
    # the first matrix fills an empty table: that one re-lays its box out
    qtbot.waitUntil(lambda: page.views.confusion.table.rowCount() == 10, timeout=20000)
    whole, progress = PaintCounter(window), PaintCounter(page.controls.progress)
    ends = Recorder(lambda: ())
    page.worker.sigEpochEnd.connect(ends.record)
    qtbot.waitUntil(lambda: len(ends.seen) >= 40, timeout=30000)
    page.stop_training()
    assert progress.count >= 5      # the bar was drawn as it moved
    # a count with another digit (a smaller font) or a speed text on one line more re-lays a
    # box out now and then; every frame and every epoch's end did
    assert whole.count <= len(ends.seen) // 4


def test_predictions_are_asked_for_once_a_second_counted_from_the_last_that_came(qtbot, page):
    # short epochs each bring predictions of their own: a frame asking for more right after
    # one of them made the GUI thread draw predictions three times a second
    from cnn_explorer.gui.pages.training.live_views import PROBE_EVERY

    views = page.views
    asked = []
    views.sigFrameWanted.connect(asked.append)
    for _ in range(PROBE_EVERY):
        views._tick()
    assert asked == [False] * (PROBE_EVERY - 1) + [True]
    asked.clear()
    views._tick()
    views.probe_came()          # an epoch's end sent predictions
    for _ in range(PROBE_EVERY):
        views._tick()
    assert asked == [False] * PROBE_EVERY + [True]


def test_frames_a_slow_batch_apart_each_redraw_every_view(qtbot, page, monkeypatch):
    # the slower views followed the tick's parity: batches two ticks apart all came on odd
    # ticks, and the chosen filter and the curves waited for the epoch's end
    from types import SimpleNamespace

    from cnn_explorer.gui.pages.training import live_views

    views = page.views
    kernels = tuple(w for w in page.model.get_weights() if w.ndim == 4)
    now = [100.0]
    monkeypatch.setattr(live_views, "_clock", lambda: now[0])

    def frame(step):
        return SimpleNamespace(epoch=0, epochs=1, batch=step, batches_per_epoch=100, loss=1.0,
                               accuracy=0.5, epoch_end=False, done=False, val_loss=None,
                               val_accuracy=None, conv_kernels=kernels, step=step + 1)

    gap = 2 * live_views.FRAME_MS / 1000
    drawn = []
    for step in range(4):
        views._ticks = 2 * step + 1                  # always an odd tick
        drawn.append(views.show_frame(frame(step)))
        now[0] += gap
    assert drawn == [True] * 4
    assert views.curves.drawn("loss").size == 4
    drawn = []
    for step in range(4, 8):                         # a frame at every tick: every other one
        drawn.append(views.show_frame(frame(step)))
        now[0] += live_views.FRAME_MS / 1000
    assert drawn == [True, False, True, False]
