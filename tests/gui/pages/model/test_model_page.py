"""The model page: cards that edit the architecture, summary, sharing counts, receptive field."""

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from explorer_helpers import open_page

from cnn_explorer.nn.counts import receptive_field, sharing_rows
from cnn_explorer.gui.pages.model.model_page import ModelPage
from cnn_explorer.nn.specs import build
from cnn_explorer.nn import guide_model

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]


@pytest.fixture
def page(qtbot):
    page = ModelPage()
    qtbot.addWidget(page)
    page.resize(1280, 820)
    page.show()
    return page


def test_starts_from_the_guide_model_with_its_exact_summary(page):
    assert page.summary.toPlainText() == guide_model.guide_convnet().summary()
    assert [c.title.text().split("</b>")[0][3:] for c in page.cards] == [
        "conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dropout", "dense"]
    assert [c.params_label.text() for c in page.cards] == [
        "320 params", "0 params", "18,496 params", "0 params", "0 params", "0 params",
        "16,010 params"]
    assert page.cards[0].shape_label.text() == "(N, 26, 26, 32)"
    assert "34,826 parameters" in page.status.text()


def test_copy_puts_the_summary_on_the_clipboard(qtbot, page):
    qtbot.mouseClick(page.copy_button, Qt.LeftButton)
    assert page.copy_button.text() == "Copied ✓"       # then "Copy" again after 1.5 s
    assert QApplication.clipboard().text() == page.summary.toPlainText()


def test_a_typed_value_counts_when_finished_and_then_everything_follows(qtbot, page):
    spin = page.cards[0].editor("filters")
    spin.selectAll()
    qtbot.keyClicks(spin, "16")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert page.cards[0].shape_label.text() == "(N, 26, 26, 16)"
    assert page.cards[0].params_label.text() == "160 params"
    assert page.cards[2].params_label.text() == f"{3 * 3 * 16 * 64 + 64:,} params"
    assert "conv2d (Conv2D)              (None, 26, 26, 16)        160" in page.summary.toPlainText()
    assert page.sharing.table.item(0, 1).text() == "160"
    assert page.undo_stack.undoText() == "Edit filters of layer 1"


def test_a_half_typed_layer_never_becomes_the_last_valid_model(qtbot, page):
    # typing 15 passed through kernel 1: the summary showed a model nobody chose, as "valid"
    key, count = page.architecture_key(), page.undo_stack.count()
    changes = []
    page.sigModelChanged.connect(lambda: changes.append(page.architecture_key()))
    spin = page.cards[0].editor("kernel_size")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "15")
    assert page.architecture_key() == key and changes == []
    assert page.cards[0].shape_label.text() == "(N, 26, 26, 32)"
    assert page.undo_stack.count() == count
    qtbot.keyClick(spin, Qt.Key_Return)                  # finished: one edit, kernel 15
    assert page.cards[0].shape_label.text() == "(N, 14, 14, 32)"
    assert len(changes) == 1 and page.undo_stack.count() == count + 1
    qtbot.keyClick(spin, Qt.Key_Down)                    # a spin step is a finished edit too
    assert page.cards[0].shape_label.text() == "(N, 15, 15, 32)"


def test_an_impossible_architecture_marks_the_layer_and_keeps_the_last_valid_model(page):
    key, summary = page.architecture_key(), page.summary.toPlainText()
    page.cards[2].editor("kernel_size").setValue(15)  # conv2d_1 on a 13×13 input
    card = page.cards[2]
    assert card.error_label.isVisible()
    assert card.error_label.text().startswith("conv2d_1: 15×15 kernel does not fit")
    assert page.cards[0].params_label.text() == "320 params"  # layers before it still counted
    assert page.cards[3].shape_label.text() == "—"
    assert page.summary.toPlainText() == summary and page.architecture_key() == key
    assert page.status.text().startswith("This architecture is impossible: conv2d_1")
    page.cards[2].editor("kernel_size").setValue(5)
    assert not card.error_label.isVisible()
    assert card.shape_label.text() == "(N, 9, 9, 64)"
    assert page.architecture_key() != key


def test_add_move_remove_and_undo(qtbot, page):
    page._on_selected(page.cards[0])
    page.add_type.setCurrentText("BatchNormalization")
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert [c.layer_type for c in page.cards][:3] == ["Conv2D", "BatchNormalization", "MaxPooling2D"]
    assert page.cards[1].params_label.text() == "128 params"
    page.cards[1].sigMoveDown.emit(page.cards[1])
    assert [c.layer_type for c in page.cards][1:3] == ["MaxPooling2D", "BatchNormalization"]
    page.cards[2].sigRemove.emit(page.cards[2])
    assert len(page.cards) == 7
    assert page.summary.toPlainText() == guide_model.guide_convnet().summary()
    for _ in range(3):
        page.undo_stack.undo()
    assert len(page.cards) == 7 and page.model.count_params() == 34_826
    page.undo_stack.redo()
    assert page.cards[1].layer_type == "BatchNormalization"


def test_cards_added_after_the_page_is_shown_keep_their_height(qtbot):
    page = open_page(qtbot, ModelPage, size=(1024, 680))
    page.set_specs(page.specs[-3:], "Keep only the classifier")
    for _ in range(30):
        page.add_button.click()
    QApplication.processEvents()          # the layout requests the adds posted
    # the card list stopped growing: 31 cards were squeezed to 5 pixels each, unreadable
    assert all(card.height() >= card.minimumSizeHint().height() for card in page.cards)


def test_a_model_without_spatial_layers_shows_no_stale_receptive_field(page):
    view = page.field
    for _ in range(4):                                   # conv, pool, conv, pool
        page.cards[0].sigRemove.emit(page.cards[0])
    assert [c.layer_type for c in page.cards] == ["Flatten", "Dropout", "Dense"]
    # the last conv model's feature map and outline stayed up beside this text
    assert view.text.text() == "No layer with a spatial output."
    assert view.layer.count() == 0 and view.field is None
    assert view._output.image is None
    assert not view._field_rect.isVisible() and not view._cell_rect.isVisible()
    assert not view.row.isEnabled() and not view.col.isEnabled()
    for _ in range(4):
        page.undo_stack.undo()
    assert view.layer.count() == 4 and view.field is not None
    assert view._field_rect.isVisible() and view.row.isEnabled()
    assert view._output.image is not None


def test_moves_and_removals_that_cannot_happen_are_disabled_and_say_why(qtbot, page):
    first, last = page.cards[0], page.cards[-1]
    assert not first.buttons["up"].isEnabled() and first.buttons["down"].isEnabled()
    assert first.buttons["up"].toolTip() == "The first layer cannot move up"
    assert not last.buttons["down"].isEnabled() and last.buttons["up"].isEnabled()
    page.set_specs([{"type": "Flatten"}], "Keep only a Flatten layer")
    lone = page.cards[0]
    # "✕" on the only layer used to do nothing, silently
    assert not lone.buttons["remove"].isEnabled()
    assert lone.buttons["remove"].toolTip() == "A model needs at least one layer"
    page.undo_stack.undo()
    assert all(card.buttons["remove"].isEnabled() for card in page.cards)


def test_keyboard_moves_and_removes_the_selected_layer(qtbot, page):
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    qtbot.mouseClick(page.cards[1], Qt.LeftButton)          # max_pooling2d
    assert page.cards[1].buttons["remove"].toolTip() == "Remove this layer (Delete)"
    page.cards[1].setFocus()
    qtbot.keyClick(page.cards[1], Qt.Key_Down, Qt.ControlModifier)
    assert [c.layer_type for c in page.cards][1:3] == ["Conv2D", "MaxPooling2D"]
    qtbot.keyClick(page.cards[2], Qt.Key_Down, Qt.ControlModifier)   # still selected: again
    assert [c.layer_type for c in page.cards][2:4] == ["MaxPooling2D", "MaxPooling2D"]
    qtbot.keyClick(page.cards[3], Qt.Key_Delete)
    assert [c.layer_type for c in page.cards][:4] == ["Conv2D", "Conv2D", "MaxPooling2D",
                                                      "Flatten"]
    assert page.undo_stack.undoText() == "Remove layer 4"
    for _ in range(3):
        page.undo_stack.undo()
    assert page.summary.toPlainText() == guide_model.guide_convnet().summary()


def test_each_editor_says_what_it_changes(page):
    conv, dropout = page.cards[0], page.cards[5]
    assert conv.editor("filters").toolTip() == ("Number of filters (output channels): each "
                                                "learns its own kernel")
    assert dropout.editor("rate").toolTip().startswith("Share of the inputs set to 0")


def test_typing_a_number_is_one_undo_step(qtbot, page):
    spin = page.cards[6].editor("units")
    spin.selectAll()
    qtbot.keyClicks(spin, "128")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert page.cards[6].params_label.text() == f"{1600 * 128 + 128:,} params"
    page.undo_stack.undo()
    assert page.cards[6].editor("units").value() == 10
    assert page.model.count_params() == 34_826


def test_ctrl_z_in_a_number_box_undoes_the_model_edit(qtbot, page):
    action = page.undo_stack.createUndoAction(page)      # as the main window's Edit menu has it
    action.setShortcut(QKeySequence.Undo)
    page.addAction(action)
    height = page.input_shape_box.boxes[0]
    height.setFocus()
    qtbot.keyClick(height, Qt.Key_Up)
    qtbot.keyClick(height, Qt.Key_Up)
    assert page.status.text().startswith("Output (None, 10), 38,026 parameters")
    qtbot.keySequence(height, QKeySequence.Undo)
    assert height.value() == 28 and page.model.count_params() == 34_826
    page._on_selected(page.cards[6])
    page.add_type.setCurrentText("Dropout")
    qtbot.mouseClick(page.add_button, Qt.LeftButton)     # a box of cards built after an add
    units = page.cards[6].editor("units")
    units.setFocus()
    units.selectAll()
    qtbot.keyClicks(units, "128")
    qtbot.keySequence(units, QKeySequence.Undo)
    assert page.cards[6].editor("units").value() == 10
    assert page.cards[6].params_label.text() == "16,010 params"


def test_parameter_sharing_counts_the_guide_numbers(page):
    table = page.sharing.table
    assert [table.item(0, c).text() for c in range(4)] == [
        "conv2d", "320", "26·26·32·(28·28+1)\n= 16,981,120 (53,066×)", "194,688"]
    assert table.item(1, 2).text() == "11·11·64·(13·13·32+1)\n= 41,887,296 (2,265×)"
    assert table.item(1, 3).text() == f"{11 * 11 * 64 * 9 * 32:,}"
    assert f"{194_688 + 2_230_272 + 1600 * 10:,} multiply-adds per image" in page.sharing.total.text()


def test_receptive_field_of_a_chosen_cell(page):
    view = page.field
    view.layer.setCurrentText("conv2d_1")
    view.row.setValue(0)
    view.col.setValue(3)
    assert view.field == (0, 7, 6, 13)
    assert view.text.text().startswith("Cell (0, 3) of conv2d_1 depends on input rows 0–7 and "
                                       "columns 6–13: a 8×8 window")


def _fields_by_perturbation(model, size):
    """Oracle: for every layer, which input pixels change each output cell when nudged.

    Returns a list (one per layer) of boolean arrays (H, W, size, size). The net is linear with
    average pooling, so every pixel in a cell's field changes it.
    """
    x = np.random.default_rng(0).random((1, size, size, 1)).astype(np.float32)
    base = [a[0] for _, a in model.activations(x)]
    hits = [np.zeros(b.shape[:2] + (size, size), bool) for b in base]
    for i, j in itertools.product(range(size), range(size)):
        y = x.copy()
        y[0, i, j] += 1.0
        for hit, b, (_, a) in zip(hits, base, model.activations(y)):
            hit[:, :, i, j] = np.any(np.abs(a[0] - b) > 1e-6, axis=-1)
    return hits


@pytest.mark.parametrize("padding,stride", [("valid", 1), ("same", 1), ("same", 2), ("valid", 2)])
def test_receptive_field_matches_perturbing_the_input(padding, stride):
    size = 16
    conv = {"type": "Conv2D", "filters": 2, "kernel_size": 3, "strides": stride,
            "padding": padding, "activation": "linear"}
    specs = [conv, {"type": "AveragePooling2D", "pool_size": 2, "strides": 0},
             dict(conv, strides=1)]
    model = build(specs, seed=5, input_shape=(size, size, 1))
    shapes = [layer.output_shape for layer in model.layers]
    for layer, hit in enumerate(_fields_by_perturbation(model, size)):
        for row, col in itertools.product(range(hit.shape[0]), range(hit.shape[1])):
            top, bottom, left, right = receptive_field(specs, shapes, (size, size, 1), layer, row, col)
            rows, cols = np.nonzero(hit[row, col])
            clipped = (max(top, 0), min(bottom, size - 1), max(left, 0), min(right, size - 1))
            assert clipped == (rows.min(), rows.max(), cols.min(), cols.max()), (layer, row, col)


def test_sharing_rows_match_real_dense_and_conv_layers():
    conv = {"type": "Conv2D", "filters": 4, "kernel_size": 3, "strides": 1, "padding": "valid",
            "activation": "relu"}
    model = build([conv], input_shape=(8, 8, 2))
    shapes = [layer.output_shape for layer in model.layers]
    (row,) = sharing_rows([conv], ["conv2d"], shapes, (8, 8, 2))
    assert row.params == model.count_params()
    dense = build([{"type": "Flatten"}, {"type": "Dense", "units": 6 * 6 * 4,
                                         "activation": "linear"}], input_shape=(8, 8, 2))
    assert row.dense_params == dense.count_params()
    assert row.dense_formula == "6·6·4·(8·8·2+1)"
    # one multiply-add per kernel weight and output value: count them the slow way
    naive = sum(1 for _ in itertools.product(range(6), range(6), range(4), range(3), range(3),
                                             range(2)))
    assert row.mult_adds == naive


def test_clicking_the_output_chooses_the_cell(qtbot, page):
    view = page.field
    view.layer.setCurrentText("conv2d_1")
    view.plot.grab()  # lay the scene out: the views auto-range when painted
    scene_pos = view._output.mapToScene(QPointF(7.5, 2.5))  # column 7, row 2
    qtbot.mouseClick(view.plot.viewport(), Qt.LeftButton, pos=view.plot.mapFromScene(scene_pos))
    assert (view.row.value(), view.col.value()) == (2, 7)
    assert view.text.text().startswith("Cell (2, 7) of conv2d_1")


def test_in_a_1024_pixel_window_nothing_is_cut_off_or_drawn_over(qtbot, page):
    page.resize(1024, 680)
    # every card fits its column: the parameter count and the activation choice were cut off
    qtbot.waitUntil(lambda: all(card.width() >= card.minimumSizeHint().width()
                                for card in page.cards), timeout=2000)
    viewport = page.cards_scroll.viewport().width()
    assert all(card.width() <= viewport for card in page.cards)
    # the sharing text sits below the table (it was drawn over its second row) and shows whole
    sharing = page.sharing
    assert sharing.total.y() >= sharing.table.geometry().bottom()
    assert sharing.total.height() >= sharing.total.heightForWidth(sharing.total.width())
    # the table's rows stay visible under its sideways scroll bar
    table = sharing.table
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert table.viewport().height() >= rows


def test_add_layer_inserts_where_it_fits_selects_the_card_and_scrolls_to_it(qtbot):
    # Add layer appended after Dense/softmax: the first click was an impossible architecture,
    # and the new card appeared below the fold
    page = open_page(qtbot, ModelPage, size=(1024, 633))
    page.add_type.setCurrentText("Conv2D")
    qtbot.mouseClick(page.add_button, Qt.LeftButton)
    assert page.error is None and not page.status.text().startswith("This architecture")
    assert [c.layer_type for c in page.cards][3:6] == ["MaxPooling2D", "Conv2D", "Flatten"]
    new = page.cards[4]
    assert page.undo_stack.undoText() == "Add Conv2D" and new.shape_label.text() == "(N, 3, 3, 32)"
    assert page._selected is new
    page.add_type.setCurrentText("Dense")
    qtbot.mouseClick(page.add_button, Qt.LeftButton)     # after the selected Conv2D: impossible,
    assert page.error is None                             # so before the classifier instead
    assert [c.layer_type for c in page.cards][-2:] == ["Dense", "Dense"]
    added = page.cards[-2]
    viewport = page.cards_scroll.viewport()

    def on_screen():
        top = added.mapTo(viewport, added.rect().topLeft()).y()
        return 0 <= top and top + added.height() <= viewport.height()
    qtbot.waitUntil(on_screen, timeout=2000)
    assert page._selected is added


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_at_both_window_sizes_nothing_is_clipped_and_the_sharing_table_needs_no_scroll_bar(
        qtbot, size):
    from explorer_helpers import settle_layouts, widgets_outside_their_parents
    from cnn_explorer.gui.main_window import MainWindow
    window = MainWindow(restore_settings=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    page = window.show_page("model")
    qtbot.waitExposed(window)
    settle_layouts()
    assert widgets_outside_their_parents(page) == []
    table = page.sharing.table
    # at 1024×700 the table scrolled both ways inside a squeezed box
    assert not table.horizontalScrollBar().isVisible()
    assert not table.verticalScrollBar().isVisible()
    assert table.viewport().height() >= table.verticalHeader().length()      # every row shown
    field = page.field
    shown = field._output.mapRectToScene(field._output.boundingRect())
    if size == (1600, 1000):   # the extra room reaches the receptive field's images
        assert min(shown.width(), shown.height()) >= 300
    # the input and its field as large as the output beside it: at 1024 px the output's long
    # title widened its column, and the input was drawn 91 px wide beside a 159-px output
    field_input = field._input.mapRectToScene(field._input.boundingRect())
    assert 0.85 <= field_input.width() / shown.width() <= 1.15


def test_a_first_run_hint_says_what_to_do_and_goes_away(qtbot):
    page = open_page(qtbot, ModelPage)
    assert page.hint.isVisible() and "Add layer" in page.hint.label.text()
    page.hint.dismiss()
    assert not page.hint.isVisible()
    again = ModelPage()
    qtbot.addWidget(again)
    assert again.hint.isHidden()                         # dismissed for good


def test_the_receptive_fields_output_map_has_a_colour_bar_of_its_own_values(qtbot, page):
    # its colours (viridis) are not the page's other scales: a bar under it says what they mean
    view = page.field
    qtbot.waitUntil(lambda: view.output_bar.isVisible())
    lo, hi = view._output.getLevels()
    assert view.output_bar.levels() == (float(lo), float(hi)) and hi > lo
    bar, image = view.output_bar.geometry(), view.plot.geometry()
    assert bar.top() >= image.bottom() and bar.left() >= image.center().x() - bar.width()
    assert "output" in view.output_bar.toolTip()
    for _ in range(4):                                   # no spatial layer left: no map, no bar
        page.cards[0].sigRemove.emit(page.cards[0])
    assert not view.output_bar.isVisible()
    page.undo_stack.undo()
    assert view.output_bar.isVisible()
