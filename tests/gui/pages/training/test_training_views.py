"""What a student sees on the training page: drawing, Start's wording, slow motion, filters, layout."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.gui.pages import PAGES
from cnn_explorer.gui.pages.training.training_page import TrainingPage
from test_training_page import page  # noqa: F401 (the same page, a fixture)

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]


def drag(qtbot, widget, points):
    qtbot.mousePress(widget, Qt.LeftButton, pos=points[0])
    for point in points[1:]:
        qtbot.mouseMove(widget, point)
    qtbot.mouseRelease(widget, Qt.LeftButton, pos=points[-1])


def test_a_seven_drawn_across_the_canvas_is_read_as_mnist_made_its_digits(qtbot, page):
    # a 7 drawn across the whole canvas went to the network as drawn and read "2 (55%)"
    from cnn_explorer.data.digits import as_mnist_digit
    canvas = page.views.canvas
    side = min(canvas.width(), canvas.height())
    x0, y0 = (canvas.width() - side) // 2, (canvas.height() - side) // 2
    at = lambda fx, fy: QPoint(x0 + int(fx * side), y0 + int(fy * side))   # noqa: E731
    drag(qtbot, canvas, [at(0.05 + k * 0.1, 0.06) for k in range(10)]
         + [at(0.95 - k * 0.05, 0.06 + k * 0.09) for k in range(1, 11)])
    seen = page.views.seen
    assert seen.isVisible()
    np.testing.assert_allclose(seen.image(), as_mnist_digit(canvas.image()))
    rows, cols = np.nonzero(seen.image() > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 <= 20        # into a 20×20 box, as MNIST
    expected = page.model.predict(seen.image()[None, :, :, None])[0]
    np.testing.assert_allclose(page.views.bars.probabilities, expected, rtol=1e-5)


def test_start_says_what_it_will_do_and_offers_more_epochs_after_a_finished_run(qtbot, page):
    # "Start continues training this model" after a finished run, then Start refused ("set Epochs
    # above 15"); the header said "untrained" while the model trained
    controls = page.controls
    controls.epochs.setValue(1)
    assert controls.start_button.text() == "Train 1 epoch"
    assert controls.status.text() == "Start trains this model for 1 epoch."
    qtbot.mouseClick(controls.start_button, Qt.LeftButton)
    assert "untrained" not in controls.model_label.text()
    assert "training from epoch 1" in controls.model_label.text()
    qtbot.waitUntil(lambda: not page.running, timeout=20000)
    assert controls.start_button.text() == "Train 5 more epochs"
    assert controls.status.text().startswith("Finished. This model has trained 1 epoch: Start "
                                             "trains 5 more (epochs 2–6).")
    qtbot.mouseClick(controls.start_button, Qt.LeftButton)
    assert page.running and page.state.epochs == 6 and controls.epochs.value() == 6
    qtbot.waitUntil(lambda: page.latest is not None and page.latest.epoch >= 1, timeout=20000)
    page.stop_training()
    assert controls.start_button.text() == f"Train epochs {page.slot.epochs_done + 1}–6"


def test_slow_motion_and_step_one_batch_show_forward_loss_and_update(qtbot, page):
    controls = page.controls
    controls.speed.setCurrentIndex(controls.speed.findText("1 batch/s"))
    assert page.state.speed == 1.0
    qtbot.mouseClick(controls.start_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.latest is not None, timeout=10000)
    first = page.latest.step
    qtbot.wait(1500)
    assert page.latest.step <= first + 2                  # about one batch a second
    qtbot.mouseClick(controls.pause_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: controls.status.text().startswith("Paused"), timeout=5000)
    assert controls.step_button.isEnabled()
    iterations = page.model.optimizer.iterations
    qtbot.mouseClick(controls.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Paused: Step one batch" in controls.status.text(), timeout=5000)
    assert page.model.optimizer.iterations == iterations + 1
    assert controls.status.text().startswith(
        f"One batch (epoch 1, batch {iterations + 1}): forward pass → loss ")
    assert "backward pass and update: the weights moved by" in controls.status.text()


def test_step_one_batch_from_a_stopped_page_trains_one_batch(qtbot, page):
    qtbot.mouseClick(page.controls.step_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Paused: Step one batch" in page.controls.status.text(),
                    timeout=10000)
    assert page.running and page.model.optimizer.iterations == 1
    assert page.controls.progress.text() == "Epoch 1/40 · batch 1/16"


def test_a_chosen_filter_shows_large_with_its_numbers_and_a_film_of_the_run(qtbot, page):
    grid = page.views.filters1
    qtbot.mouseClick(grid.plot, Qt.LeftButton, pos=grid.tile_centre(5))
    detail = page.views.detail
    assert detail.title.text() == "Filter 6 of the first conv layer"
    kernel = page.model.get_weights()[0][:, :, 0, 5]
    np.testing.assert_allclose(detail.heat.values(), np.round(kernel, 3))
    assert detail.heat.levels() == (-grid.level, grid.level)
    page.controls.speed.setCurrentIndex(page.controls.speed.findText("20 batches/s"))
    page.train_batches(16)      # 0.8 s: two ticks of the frame clock, then the last batch
    assert len(detail.film) >= 2 and detail.film[0][0] < detail.film[-1][0]
    np.testing.assert_allclose(detail.film[-1][1], page.views.kernels[0][:, :, 0, 5])
    assert detail.strip_title.text().startswith(f"Batch {detail.film[0][0]} → ")


def test_filters_are_16_px_per_weight_on_a_symmetric_scale_with_a_colour_bar(qtbot, page):
    # 3×3 filters were ~5 px per weight, on a scale no bar explained
    for grid in (page.views.filters1, page.views.filters2):
        assert grid.px_per_weight() >= 16
        assert grid.colour_bar.isVisible() and grid.level > 0
        assert grid.colour_bar.levels() == (-grid.level, grid.level)
        assert grid.levels()[0] == -grid.levels()[1]


def test_a_click_on_a_feature_map_enlarges_it(qtbot, page):
    maps = page.views.feature_maps
    name, activations = maps.shown[1]
    view, centre = maps.map_centre(1, 3)
    qtbot.mouseClick(view, Qt.LeftButton, pos=centre)
    assert maps.enlarged == (name, 3)
    np.testing.assert_allclose(maps.big.values(), activations[:, :, 3])
    assert maps.big_title.text() == f"{name} map 4, enlarged"


def outside_their_parents(root):
    """Visible widgets that stick out of their parent (scrolled contents are meant to)."""
    bad = []
    for widget in root.findChildren(QWidget):
        parent = widget.parentWidget()
        if not widget.isVisible() or parent is None or widget.isWindow() or widget.size().isEmpty():
            continue
        if isinstance(parent.parentWidget(), QAbstractScrollArea) and \
                widget is not getattr(parent.parentWidget(), "verticalScrollBar", lambda: 0)():
            if parent is parent.parentWidget().viewport():
                continue
        if not QRect(QPoint(0, 0), parent.size()).contains(widget.geometry()):
            bad.append(f"{type(widget).__name__} {widget.objectName()} {widget.geometry()} in "
                       f"{type(parent).__name__} {parent.size()}")
    return bad


def training_window(qtbot, size, pages=("training",)):
    """A main window of ``pages`` at ``size``, on screen, the Training page shown."""
    window = MainWindow(pages=list(pages), restore_settings=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    page = window.show_page("training")
    page.ask_to_save = False
    return window, page


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_nothing_is_clipped_and_the_room_goes_to_the_filters(qtbot, small_data, size):
    # at 1024×700 the save line was cut; at 1600×1000 the extra room missed the filters
    window, page = training_window(qtbot, size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=2000)
    assert outside_their_parents(page) == []
    scroll = page.controls_scroll
    for button in (page.controls.save_button, page.controls.load_button, page.controls.message):
        if button.isVisible() or button is not page.controls.message:
            top_left = button.mapTo(scroll.viewport(), QPoint(0, 0))
            assert QRect(QPoint(0, 0), scroll.viewport().size()).contains(
                QRect(top_left, button.size())), "the save line is cut"
    grid = page.views.filters1
    assert grid.px_per_weight() >= 16
    if size == (1600, 1000):
        # the filters' box takes a share of the extra width and height, not the bottom row alone
        box = page.views.filters_scroll.parentWidget()
        assert box.width() >= 0.5 * page.views.width() and box.height() >= 0.4 * page.views.height()
    # the film's caption keeps to its two lines ("… (oldest left)" was cut off at 1024×700),
    # also for a long run's five-digit batch numbers
    detail, kernel = page.views.detail, np.zeros((3, 3))
    detail.show_filter("Filter 1", kernel, 1.0, [(12_000, kernel), (48_000, kernel)])
    strip = detail.strip_title
    assert "12000" in strip.text() and "oldest left" in strip.text()
    needed = strip.fontMetrics().boundingRect(QRect(0, 0, strip.width(), 1000), Qt.TextWordWrap,
                                              strip.text())
    assert needed.height() <= strip.height()


def test_a_first_run_hint_says_what_to_do_and_goes_for_good(qtbot, page, small_data):
    hint = page.hint
    assert hint.isVisible() and "<b>Start</b>" in hint.label.text()
    qtbot.mouseClick(page.controls.start_button, Qt.LeftButton)   # done what it says
    assert hint.isHidden()
    page.stop_training()
    again = TrainingPage()
    qtbot.addWidget(again)
    again.show()
    assert again.hint.isHidden()


@pytest.mark.parametrize("pages, hint", [(("training",), True), (tuple(PAGES), False)])
def test_a_run_at_1024_by_700_leaves_the_window_1024_pixels_wide(qtbot, pages, hint):
    # the window grew to 1090 px for good, on showing the page or at the first run (a 1024-px
    # screen cut every page at the right): the drawing's verdict said "No prediction: the model
    # does not fit this data" on one line while the page was built, and its layout kept that width
    if not hint:    # dismissed on an earlier start
        keys.settings().setValue(f"{keys.HINTS_DISMISSED}/training", True)
    window = MainWindow(pages=list(pages), restore_settings=False)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    QApplication.processEvents()            # the first page is drawn; then the user opens
    page = window.show_page("training")     # Training (or the window opens on it)
    QApplication.processEvents()
    page.ask_to_save = False
    assert page.hint.isVisible() == hint
    page.train_batches(16)
    qtbot.waitUntil(lambda: not page.running, timeout=20000)
    assert window.minimumSizeHint().width() <= 1024
    assert window.width() == 1024
    assert outside_their_parents(page) == []
