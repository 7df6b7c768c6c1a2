"""The reusable explorer widgets on their own: matrix editor, heat map, stepper, option panels."""

import math

import numpy as np
import pytest
from explorer_helpers import grid_pixel, hover, type_into
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QKeyEvent, QKeySequence, QRegion
from PySide6.QtWidgets import QApplication, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.conv_options import ConvOptions
from cnn_explorer.core.formulas import format_number, parse_number, parse_table
from cnn_explorer.gui.widgets.grid_panel import GridPanel
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.stepper import MAX_SPEED, MIN_SPEED, Stepper


def show(qtbot, widget, size=(420, 320)):
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


# -- numbers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("value, text", [(3.0, "3"), (-2.0, "−2"), (0.0625, "0.0625"),
                                         (1 / 9, "0.111"), (-0.5, "−0.5"), (float("nan"), "")])
def test_format_number(value, text):
    assert format_number(value).replace("-", "−") == text


@pytest.mark.parametrize("text, value", [(" 2 ", 2.0), ("-1.5", -1.5), ("−3", -3.0), ("1,5", 1.5),
                                         ("1e-3", 0.001)])
def test_parse_number_accepts(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text, reason", [("", "empty"), ("abc", "not a number"),
                                          ("nan", "not a finite"), ("-inf", "not a finite")])
def test_parse_number_refuses_with_a_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_number(text)


# -- matrix editor -----------------------------------------------------------------------------
def test_matrix_editor_keeps_a_valid_edit_as_typed_and_reports_it(qtbot):
    editor = show(qtbot, MatrixEditor("kernel"))
    editor.set_values([[1, 2], [3, 4]])
    with qtbot.waitSignal(editor.sigEdited) as blocker:
        type_into(qtbot, editor, 1, 0, "7.5")
    old, new = blocker.args
    np.testing.assert_array_equal(old, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(new, [[1, 2], [7.5, 4]])
    # the typed value stays: nothing travels back into the cell it came from
    assert editor.item(1, 0).text() == "7.5"
    np.testing.assert_array_equal(editor.values(), new)
    assert editor.horizontalHeaderItem(0).text() == "0"


def test_matrix_editor_refuses_text_and_says_why(qtbot):
    editor = show(qtbot, MatrixEditor("input"))
    editor.set_values([[1, 2, 3]])
    with qtbot.waitSignal(editor.sigRejected) as blocker:
        type_into(qtbot, editor, 0, 1, "two")
    assert blocker.args == ["“two” is not a number; kept 2"]
    assert editor.item(0, 1).text() == "2"
    assert editor.cell_is_marked_bad(0, 1)
    assert editor.item(0, 1).background().color() == QColor(colours.ERROR_BACKGROUND)
    editor.set_values(editor.values())                # a later good state clears the mark
    assert not editor.cell_is_marked_bad(0, 1)


def test_matrix_editor_keeps_arrow_keys_and_space_from_page_shortcuts(qtbot):
    editor = show(qtbot, MatrixEditor("input"))
    for key in (Qt.Key_Left, Qt.Key_Space, Qt.Key_End):
        event = QKeyEvent(QEvent.ShortcutOverride, key, Qt.NoModifier)
        editor.event(event)
        assert event.isAccepted()


def test_matrix_editor_marks_the_anchor_and_reports_clicks(qtbot):
    editor = show(qtbot, MatrixEditor("kernel"))
    editor.set_values(np.zeros((3, 3)))
    editor.set_anchor((2, 1))
    assert editor.item(2, 1).font().bold() and not editor.item(0, 0).font().bold()
    with qtbot.waitSignal(editor.sigCellClicked) as blocker:
        rect = editor.visualItemRect(editor.item(0, 2))
        qtbot.mouseClick(editor.viewport(), Qt.LeftButton, pos=rect.center())
    assert blocker.args == [0, 2]



@pytest.mark.parametrize("text, rows", [
    ("1 2 3\n4 5 6", [[1, 2, 3], [4, 5, 6]]),
    ("[[-1, 0, 1], [-2, 0, 2]]", [[-1, 0, 1], [-2, 0, 2]]),          # as numpy/papers print
    ("[[-1  0  1]\n [-2  0  2]]", [[-1, 0, 1], [-2, 0, 2]]),
    ("0,5\t1\n2\t−3\n", [[0.5, 1], [2, -3]]),                       # spreadsheet, decimal comma
    ("-1; 0; 1", [[-1, 0, 1]])])
def test_parse_table_reads_what_students_copy(text, rows):
    assert parse_table(text) == rows


@pytest.mark.parametrize("text, reason", [
    ("  \n", "the clipboard holds no numbers to paste"),
    ("1 2\n3", "row 2 of the pasted text has 1 number but row 1 has 2: every row needs the same "
                "count"),
    ("1 x", "pasted row 1: “x” is not a number"),
    ("1 nan", "pasted row 1: “nan” is not a finite number"),
    ("\n".join([" ".join(["1"] * 500)] * 500), "pasted 500×500 values, but the kernel can be at "
                                                 "most 7×7")])
def test_parse_table_refuses_with_a_reason(text, reason):
    with pytest.raises(ValueError) as error:
        parse_table(text, (7, 7), "the kernel")
    assert str(error.value) == reason


def test_matrix_editor_pastes_and_copies_with_the_keyboard(qtbot):
    editor = show(qtbot, MatrixEditor("kernel"))
    editor.set_values(np.zeros((2, 2)))
    editor.set_shape_limit(3, 3, "the kernel")
    QApplication.clipboard().setText("1\t2\t3\n4\t5\t6")
    with qtbot.waitSignal(editor.sigPasted) as blocker:
        qtbot.keySequence(editor, QKeySequence.Paste)
    old, new = blocker.args
    np.testing.assert_array_equal(old, np.zeros((2, 2)))
    np.testing.assert_array_equal(new, [[1, 2, 3], [4, 5, 6]])
    editor.set_values(new)
    editor.setCurrentCell(0, 0)
    qtbot.keySequence(editor, QKeySequence.Copy)
    assert QApplication.clipboard().text() == "1\t2\t3\n4\t5\t6"
    QApplication.clipboard().setText("1 2 3 4")
    with qtbot.waitSignal(editor.sigRejected) as blocker:
        qtbot.keySequence(editor, QKeySequence.Paste)
    assert blocker.args == ["nothing pasted: pasted 1×4 values, but the kernel can be at most 3×3"]
    # a grid pasted into an open cell: the refusal says how to paste it whole
    with qtbot.waitSignal(editor.sigRejected) as blocker:
        type_into(qtbot, editor, 0, 0, "1 2 3")
    assert blocker.args == ["“1 2 3” is not a number; kept 1. To paste a whole grid, select a cell "
                            "without opening it and press Ctrl+V"]
    np.testing.assert_array_equal(editor.values(), [[1, 2, 3], [4, 5, 6]])

# -- heat map ----------------------------------------------------------------------------------
def pixel_at_cell(heat_map, row, col):
    image = heat_map.view.grab().toImage()
    return image.pixelColor(grid_pixel(heat_map, col + 0.15, row + 0.15))


def test_heat_map_colours_cells_and_leaves_empty_cells_grey(qtbot):
    heat = show(qtbot, HeatMap("Output", "output", diverging=True))
    heat.set_data(np.array([[-2.0, 0.0], [2.0, np.nan]]), levels=(-2, 2))
    qtbot.waitUntil(lambda: pixel_at_cell(heat, 0, 0) == QColor(*colours.DIVERGING_LUT[0][:3]))
    assert pixel_at_cell(heat, 1, 0) == QColor(*colours.DIVERGING_LUT[-1][:3])
    assert pixel_at_cell(heat, 1, 1) == QColor(colours.EMPTY)
    heat.values()[1, 1] = -2.0                               # fill in place, then refresh
    heat.refresh()
    qtbot.waitUntil(lambda: pixel_at_cell(heat, 1, 1) == QColor(*colours.DIVERGING_LUT[0][:3]))



def test_heat_map_paints_values_near_the_float_limit_without_crashing(qtbot):
    # A typed 1e308 made the number colours NaN (the range overflowed): Qt crashed painting them.
    heat = show(qtbot, HeatMap("Output", "output", diverging=True))
    heat.set_data(np.array([[1e308, 0.0], [-1e308, np.inf]]))
    assert heat.levels() == (-1e308, 1e308)
    qtbot.waitUntil(lambda: pixel_at_cell(heat, 0, 0) == QColor(*colours.DIVERGING_LUT[-1][:3]))
    assert pixel_at_cell(heat, 1, 0) == QColor(*colours.DIVERGING_LUT[0][:3])
    assert pixel_at_cell(heat, 0, 1) == QColor(*colours.DIVERGING_LUT[128][:3])

def test_heat_map_colours_every_cell_as_pyqtgraph_would():
    # the grid draws its own premultiplied image (Qt paints it without converting); each cell
    # must get the colour pyqtgraph's ImageItem gave it, NaN cells none
    import pyqtgraph as pg
    from pyqtgraph.functions_qimage import try_make_qimage

    from cnn_explorer.gui.widgets.colour_scale import ColourScale

    rng = np.random.default_rng(7)
    values = rng.normal(0, 3, (64, 48))
    values[rng.random(values.shape) < 0.1] = np.nan
    scale = ColourScale(colours.DIVERGING_LUT)
    for levels in [(-4.0, 4.0), (-8.0, 8.0), (-1.0, 3.0)]:
        words = scale.pixels(values, levels)
        finite = ~np.isnan(values)
        image = try_make_qimage(np.nan_to_num(values).astype(np.float32), levels=levels,
                                lut=colours.DIVERGING_LUT)
        index = pg.functions.ndarray_from_qimage(image)
        expected = colours.DIVERGING_LUT[index]
        rgb = np.stack([(words >> 16) & 255, (words >> 8) & 255, words & 255], -1)
        np.testing.assert_array_equal(rgb[finite], expected[finite])
        assert (words[~finite] == 0).all()                   # transparent: the empty colour shows


@pytest.mark.parametrize("shape", [(3, 3), (7, 5), (514, 513), (1, 1)])
def test_the_colour_scales_image_holds_the_same_colours_as_its_words(qtbot, shape):
    # without NaN, Qt turns 8-bit codes into the colours (rows padded to 4 bytes); with NaN,
    # the words come from the table itself: both must give every cell the same colour
    from cnn_explorer.gui.widgets.colour_scale import ColourScale
    from cnn_explorer.gui.widgets.grid_view import GridView

    rng = np.random.default_rng(3)
    values = rng.normal(0, 3, shape)
    scale, view = ColourScale(colours.DIVERGING_LUT), GridView("output", colours.DIVERGING_LUT)
    for levels in [(-4.0, 4.0), (-1.0, 3.0), (-1e308, 1e308)]:
        view.set_image(scale.image(values, levels))
        np.testing.assert_array_equal(view.pixels(), scale.pixels(values, levels))
    values[0, 0] = np.nan
    view.set_image(scale.image(values, (-4.0, 4.0)))
    words = scale.pixels(values, (-4.0, 4.0))
    assert words[0, 0] == 0
    np.testing.assert_array_equal(view.pixels(), words)


@pytest.mark.parametrize("shape", [(3, 3), (50, 50), (7, 120)])
def test_every_pixel_at_a_heat_maps_grid_edge_is_painted(qtbot, shape):
    # the view paints only around an opaque grid: each pixel at the grid's edge is the view's
    # white or a cell's colour, never what was there before (the numbers sit mid-cell); the
    # widths put the grid's edges at every fraction of a pixel
    heat = show(qtbot, HeatMap("Output", "output", diverging=True), size=(300, 251))
    heat.set_data(np.linspace(-1, 1, shape[0] * shape[1]).reshape(shape), levels=(-1, 1))
    allowed = {QColor(*rgb[:3]).name() for rgb in colours.DIVERGING_LUT} | {"#ffffff"}
    rows, cols = shape
    for width in range(300, 312):
        heat.resize(width, 251)
        image = heat.grab().toImage()     # as a page or its export is grabbed, view and all
        top_left = heat.view.mapTo(heat, heat.to_view(0, 0))
        bottom_right = heat.view.mapTo(heat, heat.to_view(cols, rows))
        x0, y0 = math.floor(top_left.x()) - 2, math.floor(top_left.y()) - 2
        x1, y1 = math.ceil(bottom_right.x()) + 2, math.ceil(bottom_right.y()) + 2
        edge = [(x, y) for x in range(x0, x1) for y in range(y0, y1)
                if min(x - x0, x1 - 1 - x, y - y0, y1 - 1 - y) < 4]
        unpainted = [(x, y) for x, y in edge if image.pixelColor(x, y).name() not in allowed]
        assert edge and unpainted == [], width


def test_a_partial_repaint_draws_the_centres_dotted_outline_as_a_whole_one_does(qtbot):
    # when the window or the hover moves, Qt repaints only the cells it left and reached; the
    # centre's dots must sit where a whole repaint puts them (Qt's dotted pen began them anew
    # inside the repainted area)
    heat = show(qtbot, HeatMap("Input", "input"), size=(300, 300))
    heat.set_data(np.arange(64.0).reshape(8, 8))
    heat.set_window([(r, c) for r in range(2, 5) for c in range(2, 5)], anchor=(3, 3))
    view, flags = heat.view, QWidget.RenderFlag.DrawChildren
    whole = QImage(view.size(), QImage.Format_ARGB32)
    whole.fill(0)
    view.render(whole, QPoint(), QRegion(view.rect()), flags)
    centre = view.transform().mapRect(QRectF(3, 3, 1, 1)).toAlignedRect()
    differing = []
    for dx in range(0, centre.width(), 3):
        for dy in range(0, centre.height(), 3):
            area = QRect(centre.x() + dx - 2, centre.y() + dy - 2, 9, 7)
            part = QImage(whole)
            view.render(part, area.topLeft(), QRegion(area), flags)
            if part != whole:
                differing.append((dx, dy))
    assert differing == []


def light_pixels(heat_map, row0, col0, row1, col1):
    """How many near-white pixels the cells [row0, row1) × [col0, col1) show (text on black)."""
    image = heat_map.view.grab().toImage()
    top_left = grid_pixel(heat_map, col0, row0)
    bottom_right = grid_pixel(heat_map, col1, row1)
    return sum(image.pixelColor(x, y).lightness() > 200
               for x in range(top_left.x() + 3, bottom_right.x() - 3)
               for y in range(top_left.y() + 3, bottom_right.y() - 3))


def test_heat_map_writes_numbers_only_when_cells_are_readable(qtbot):
    heat = show(qtbot, HeatMap("Input", "input"))
    heat.set_data(np.zeros((3, 3)), levels=(0, 1))             # black cells: white "0"s
    qtbot.waitUntil(lambda: light_pixels(heat, 1, 1, 2, 2) > 10)
    heat.set_data(np.zeros((100, 100)), levels=(0, 1))         # ~3 px cells: no text at all
    assert light_pixels(heat, 40, 40, 60, 60) == 0


def test_heat_map_outlines_window_hover_winner_and_padding(qtbot):
    heat = show(qtbot, HeatMap("Input (padded)", "input"))
    heat.set_data(np.zeros((5, 5)))
    heat.set_padding(((1, 1), (1, 1)))
    assert heat._padding.path().boundingRect().width() == 5
    heat.set_window([(1, 1), (1, 2)], anchor=(1, 2))
    assert heat.window_cells() == [(1, 1), (1, 2)]
    heat.set_hover([(4, 4)])
    assert heat.hover_cells() == [(4, 4)]
    heat.set_winner((2, 3))
    assert heat._winner.path().boundingRect().topLeft() == QPointF(3, 2)
    heat.set_winner(None)
    assert heat._winner.path().isEmpty()


def test_heat_map_reports_the_cell_under_the_mouse(qtbot):
    heat = show(qtbot, HeatMap("Output", "output"))
    heat.set_data(np.zeros((4, 6)))
    with qtbot.waitSignal(heat.sigCellHovered) as blocker:
        hover(qtbot, heat, 2, 5)
    assert blocker.args == [2, 5]
    with qtbot.waitSignal(heat.sigCellHovered) as blocker:
        hover(qtbot, heat, -1, -1)
    assert blocker.args == [-1, -1]


def test_a_grid_larger_than_any_view_is_drawn_one_cell_in_n_and_says_so(qtbot):
    heat = show(qtbot, HeatMap("Output", "output", diverging=True))
    values = np.full((2050, 1030), -1.0)
    values[:, 1000:] = 1.0                     # the last 30 columns positive
    values[2049, 0] = 1.0                      # a cell the one-in-three drawing skips
    heat.set_data(values, levels=(-1, 1))
    assert heat.pixels().shape == (684, 344)     # ceil(2050 / 3) × ceil(1030 / 3)
    assert heat.values() is not None and heat.values().shape == (2050, 1030)
    assert heat.title.text() == "Output · 1 cell in 3×3 drawn"
    assert "exact value of the top-left cell" in heat.title.toolTip()
    # drawn squares cover the grid's own cells: the right edge is positive, the left negative
    qtbot.waitUntil(lambda: pixel_at_cell(heat, 1000, 1028) == QColor(
        *colours.DIVERGING_LUT[-1][:3]))
    assert pixel_at_cell(heat, 1000, 300) == QColor(*colours.DIVERGING_LUT[0][:3])
    with qtbot.waitSignal(heat.sigCellHovered) as blocker:
        hover(qtbot, heat, 1500, 1003)
    # the grid's cells, not the drawn squares' (684 × 344), to the nearest screen pixel (~7 cells)
    row, col = blocker.args
    assert abs(row - 1500) <= 30 and abs(col - 1003) <= 30
    heat.set_title("Output 2")
    assert heat.title.text() == "Output 2 · 1 cell in 3×3 drawn"
    heat.set_data(np.zeros((1024, 1024)))              # fits: every cell drawn, no note
    assert heat.pixels().shape == (1024, 1024) and heat.title.text() == "Output 2"
    assert heat.title.toolTip() == ""
    heat.set_data(np.zeros((0, 4)))                    # a layer with no map: nothing to draw
    assert heat.values().shape == (0, 4)


# -- stepper -----------------------------------------------------------------------------------
def test_stepper_steps_clamps_and_labels(qtbot):
    stepper = show(qtbot, Stepper(), (700, 40))
    stepper.set_count(5)
    assert stepper.label.text() == "Step 1 / 5"
    with qtbot.waitSignal(stepper.sigStepChanged) as blocker:
        qtbot.mouseClick(stepper.forward_button, Qt.LeftButton)
    assert blocker.args == [1]
    qtbot.mouseClick(stepper.end_button, Qt.LeftButton)
    assert stepper.step() == 4 and stepper.scrubber.value() == 4
    stepper.step_forward()
    assert stepper.step() == 4
    stepper.scrubber.setValue(2)
    assert stepper.step() == 2 and stepper.label.text() == "Step 3 / 5"
    qtbot.mouseClick(stepper.start_button, Qt.LeftButton)
    stepper.step_back()
    assert stepper.step() == 0
    stepper.set_count(1)
    assert not stepper.play_button.isEnabled()


def test_stepper_speed_range_and_tooltips(qtbot):
    stepper = show(qtbot, Stepper(), (700, 40))
    assert (stepper.speed.minimum(), stepper.speed.maximum()) == (MIN_SPEED, MAX_SPEED) == (0.5, 60)
    for button, key in ((stepper.play_button, "Space"), (stepper.back_button, "Left"),
                        (stepper.forward_button, "Right"), (stepper.start_button, "Home"),
                        (stepper.end_button, "End")):
        assert f"({key})" in button.toolTip()


def test_stepper_plays_to_the_end_and_stops(qtbot):
    stepper = show(qtbot, Stepper(), (700, 40))
    stepper.set_count(20)
    stepper.set_speed(60)
    with qtbot.waitSignal(stepper.sigPlayingChanged, timeout=3000) as stopped:
        stepper.play()
        assert stepper.is_playing()
    assert stopped.args == [True]
    qtbot.waitUntil(lambda: not stepper.is_playing(), timeout=3000)
    assert stepper.step() == 19
    stepper.play()                                            # at the end: plays from the start
    assert stepper.is_playing() and stepper.step() == 0
    stepper.pause()


# -- panels ------------------------------------------------------------------------------------
def test_conv_options_send_one_change_at_a_time_and_show_a_state(qtbot):
    from cnn_explorer.core.conv_state import ConvState

    options = show(qtbot, ConvOptions(2), (340, 300))
    state = ConvState(np.ones((6, 6)), np.ones((3, 3)), padding="same", stride=(2, 1))
    options.show_state(state, ((1, 1), (1, 1)))
    assert options.padding.currentText() == "same" and options.stride[0].value() == 2
    assert [box.value() for box in options.custom] == [1, 1, 1, 1]   # the amounts in force
    assert not options.custom_row.isEnabled()
    with qtbot.waitSignal(options.sigEdited) as blocker:
        options.dilation[1].setValue(3)
    assert blocker.args == ["dilation", 1, 3]
    with qtbot.waitSignal(options.sigEdited) as blocker:
        options.padding.setCurrentText("custom")
    assert blocker.args == ["padding", -1, "custom"]


def test_grid_panel_resize_keeps_the_values_that_still_fit(qtbot):
    panel = show(qtbot, GridPanel("Kernel", "kernel", 2, {"ones": np.ones((2, 2))}),
                 (340, 300))
    panel.set_values(np.arange(6.0).reshape(2, 3))
    with qtbot.waitSignal(panel.sigChangeRequested) as blocker:
        panel.size_spins[0].setValue(3)
    old, new, text = blocker.args
    np.testing.assert_array_equal(new, [[0, 1, 2], [3, 4, 5], [0, 0, 0]])
    assert text == "resize"
    assert panel.preset_matching(np.ones((2, 2))) == "ones"
    panel.set_values(np.zeros((40, 40)))
    assert panel.editor.isHidden() and "40×40 values" in panel.too_large.text()



def test_prediction_captions_drop_the_confidence_rather_than_cut_it(qtbot):
    from PySide6.QtGui import QFontMetrics

    from cnn_explorer.gui.widgets.prediction_grid import PredictionGrid

    grid = PredictionGrid()
    qtbot.addWidget(grid)
    grid.set_items(np.zeros((2, 28, 28), np.uint8), [4, 1], [4, 7], [1.0, 0.52], "0123456789")
    metrics = QFontMetrics(grid.font())
    assert grid.caption(0, metrics, 200) == "4 100%"
    assert grid.caption(1, metrics, 200) == "7 52%"
    assert grid.caption(0, metrics, 20) == "4"   # was "4 1…" in a 1024-pixel window


def test_confusion_counts_shrink_to_stay_readable_in_a_small_window(qtbot):
    from PySide6.QtGui import QFontMetrics

    from cnn_explorer.gui.widgets.confusion_matrix import ConfusionMatrixView

    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    counts = np.diag(np.full(10, 642))
    view.set_counts(counts, range(10))
    view.resize(200, 220)   # the Validation box of a 1024×705 window
    view.show()
    qtbot.waitExposed(view)
    table = view.table
    assert table.item(0, 0).text() == "642"
    assert QFontMetrics(table.font()).horizontalAdvance("642") <= table.columnWidth(0) - 4
    assert not table.verticalScrollBar().isVisible()   # all ten rows show
    assert table.font().pointSizeF() < view.font().pointSizeF()
    view.resize(600, 500)
    qtbot.waitUntil(lambda: table.font().pointSizeF() == view.font().pointSizeF())


@pytest.mark.parametrize("value", [100.5, 1234.5, 0.0625, 0.00390625, -2.5, 1 / 3])
def test_cells_write_numbers_as_the_formula_does(value):
    # a cell read "100" and "1.23e+03" beside "100.5" and "1234.5" in the formula under it
    from cnn_explorer.core.formulas import number
    assert format_number(value) == number(value)
    assert parse_number(format_number(value)) == pytest.approx(value, rel=2e-3)


def test_a_first_run_hint_shows_until_dismissed_and_stays_dismissed(qtbot):
    from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint

    hint = FirstRunHint("demo", "Press Play or →")
    qtbot.addWidget(hint)
    hint.show()
    assert hint.isVisible() and "Play" in hint.label.text()
    with qtbot.waitSignal(hint.sigDismissed, timeout=1000):
        hint.dismiss()
    assert not hint.isVisible()
    page = QWidget()                          # as on a page: the hint is a child
    qtbot.addWidget(page)
    again = FirstRunHint("demo", "Press Play or →", page)
    page.show()
    assert again.isHidden() and not again.isVisible()


def test_a_decimal_box_keeps_a_small_minimum():
    # the range was set before the decimals, so 1e-5 was rounded to 0.00 and 0 could be typed
    from cnn_explorer.gui.widgets.panel import spin

    box = spin(1e-5, 10.0, 1e-3, "learning rate", step=1e-4, decimals=5)
    assert box.minimum() == 1e-5 and box.value() == 1e-3


def test_a_combo_holds_texts_data_and_item_tips(qtbot):
    from cnn_explorer.gui.widgets.panel import combo
    box = combo(["plain", ("with data", 7), ("with a tip", "x", "what it does")], "Choose one")
    qtbot.addWidget(box)
    assert [box.itemText(i) for i in range(box.count())] == ["plain", "with data", "with a tip"]
    assert [box.itemData(i) for i in range(box.count())] == [None, 7, "x"]
    assert box.itemData(2, Qt.ToolTipRole) == "what it does" and box.itemData(1, Qt.ToolTipRole) is None
    assert box.toolTip() == "Choose one"


def test_shared_labels_and_boxes_wrap_and_lay_out_what_they_are_given(qtbot):
    from PySide6.QtWidgets import QGroupBox, QSizePolicy, QVBoxLayout
    from cnn_explorer.gui.widgets.panel import MUTED, caption, group, wrapped
    label = wrapped("a long sentence", "color: red;")
    note = caption("under a picture", muted=True)
    assert label.wordWrap() and label.styleSheet() == "color: red;"
    assert note.wordWrap() and note.styleSheet() == MUTED
    assert note.sizePolicy().horizontalPolicy() == QSizePolicy.Ignored
    inner = QVBoxLayout()
    box = group("Title", label, inner, note, stretch=(2, 0, 1))
    qtbot.addWidget(box)
    assert isinstance(box, QGroupBox) and box.title() == "Title"
    layout = box.layout()
    assert [layout.stretch(i) for i in range(3)] == [2, 0, 1] and layout.itemAt(1).layout() is inner


def test_a_new_epochs_confusion_counts_show_in_every_cell_that_changed(qtbot):
    # only changed cells are set again: the others must still show their own count and colour
    from cnn_explorer.gui.widgets.confusion_matrix import ConfusionMatrixView

    view = ConfusionMatrixView()
    qtbot.addWidget(view)
    first = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 6]])
    view.set_counts(first, ["a", "b", "c"])
    colour_of_unchanged = view.table.item(2, 2).background().color()
    later = np.array([[6, 0, 0], [2, 3, 1], [0, 1, 5]])
    view.set_counts(later, ["a", "b", "c"])
    shown = [[view.table.item(t, p).text() for p in range(3)] for t in range(3)]
    assert shown == [[str(v) if v else "" for v in row] for row in later]
    assert view.table.item(0, 1).toolTip() == "true a, predicted b: 0 image(s)"
    assert view.table.item(0, 1).background().color().alpha() == 0
    assert view.table.item(2, 2).background().color() != colour_of_unchanged   # 6 → 5 of 6
    view.set_counts(later[:2, :2], ["a", "b"])          # other classes: every cell anew
    assert [[view.table.item(t, p).text() for p in range(2)] for t in range(2)] == \
        [["6", ""], ["2", "3"]]


def test_the_step_label_holds_a_trace_of_millions_of_steps(qtbot):
    stepper = show(qtbot, Stepper(), size=(1600, 60))
    for count in (36, 4_194_304):
        stepper.set_count(count, count - 1)
        label = stepper.label
        assert label.text() == f"Step {count} / {count}"
        assert label.fontMetrics().horizontalAdvance(label.text()) <= label.width()


def test_a_click_on_a_heat_map_takes_the_keys_and_a_drag_is_no_click(qtbot):
    # the painted grid had no focus policy: Space after a click still toggled a check box
    heat = show(qtbot, HeatMap("Output", "output"))
    heat.set_data(np.zeros((4, 6)))
    heat.activateWindow()
    qtbot.waitActive(heat)
    with qtbot.waitSignal(heat.sigCellClicked) as blocker:
        qtbot.mouseClick(heat.view, Qt.LeftButton, pos=grid_pixel(heat, 2.5, 1.5))
    assert blocker.args == [1, 2]
    qtbot.waitUntil(heat.view.hasFocus)
    with qtbot.assertNotEmitted(heat.sigCellClicked):
        qtbot.mousePress(heat.view, Qt.LeftButton, pos=grid_pixel(heat, 0.5, 0.5))
        qtbot.mouseRelease(heat.view, Qt.LeftButton, pos=grid_pixel(heat, 5.5, 3.5))
