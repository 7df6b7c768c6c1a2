"""What a student sees on the convolution pages is as exact as the numbers: where the 1D output
sits, what typing does to the centre, hover, colours, pad boxes, layout, plot, first-run hint."""

import numpy as np
import pytest
from explorer_helpers import click_cell, grid_pixel, hover, open_page, shown, type_into
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from cnn_explorer.gui.pages.convolution.conv1d_page import Conv1DPage
from cnn_explorer.gui.pages.convolution.conv2d_page import Conv2DPage


def choose_options(qtbot, page, padding, anchor, stride=1, dilation=1):
    """Set the options and the kernel's centre with the widgets, as a student does."""
    click_cell(qtbot, page.kernel_panel.editor, 0, anchor, Qt.ControlModifier)
    page.options.padding.setCurrentText(padding)
    page.options.stride[0].setValue(stride)
    page.options.dilation[0].setValue(dilation)
    assert page.anchor() == (anchor,) and page.plan.stride == (stride,)


def _page_x(page, heat_map, view_x):
    """Page x of view coordinate ``view_x`` (columns) on ``heat_map``'s grid."""
    return heat_map.view.mapTo(page, heat_map.to_view(view_x, 0.5)).x()


@pytest.mark.parametrize("padding, stride, dilation, anchor", [
    ("same", 1, 1, 1), ("same", 2, 1, 0), ("valid", 1, 2, 1), ("full", 3, 1, 1),
    ("valid", 2, 2, 0)])
def test_1d_output_cell_sits_under_the_input_cell_its_centre_touched(
        qtbot, padding, stride, dilation, anchor):
    page = open_page(qtbot, Conv1DPage)
    choose_options(qtbot, page, padding, anchor, stride, dilation)
    plan = page.plan
    out_view = page.output_map.view
    for n in range(plan.n_steps):
        x = _page_x(page, page.input_map, plan.step(n).centre[0] + 0.5)
        # the output cell straight below that input cell's centre, found as the mouse finds it
        below = out_view.mapFrom(page, out_view.mapTo(page, out_view.rect().center()))
        below.setX(out_view.mapFrom(page, QPoint(x, 0)).x())
        assert page.output_map.cell_at(below) == (0, n), n


def test_typing_a_kernel_value_never_moves_the_centre_and_ctrl_click_does(qtbot):
    page = open_page(qtbot, Conv2DPage)
    editor = page.kernel_panel.editor
    click_cell(qtbot, editor, 0, 0)                       # a plain click selects, nothing more
    type_into(qtbot, editor, 0, 0, "5")
    assert page.anchor() == (1, 1) and page.plan.pads == ((1, 1), (1, 1))
    assert page.undo_stack.count() == 1 and page.undo_stack.undoText() == "Kernel: edit a value"
    click_cell(qtbot, editor, 0, 0, Qt.ControlModifier)   # the distinct gesture
    assert page.anchor() == (0, 0) and page.undo_stack.undoText() == "Kernel: centre at row 0, column 0"
    assert "Ctrl+click" in editor.toolTip() and "Ctrl+click" in page.centre_label.text()


def test_hovering_an_output_cell_shows_it_in_every_panel_and_leaving_restores_the_step(qtbot):
    page = open_page(qtbot, Conv2DPage)
    page.stepper.to_start()
    hover(qtbot, page.output_map, 4, 5)
    step = page.plan.step(4 * 6 + 5)
    np.testing.assert_array_equal(shown(page.patch_map), step.patch)
    np.testing.assert_array_equal(shown(page.products_map), step.products)
    assert page.formula.text().startswith("<b>Output[4, 5]</b>")
    assert "every panel" in page.hover_info.text().lower()
    hover(qtbot, page.output_map, -1, -1)
    np.testing.assert_array_equal(shown(page.products_map), page.plan.step(0).products)
    assert page.formula.text().startswith("<b>Output[0, 0]</b>")


def _cell_colour(page, heat_map, row, col):
    image = heat_map.view.grab().toImage()
    return image.pixelColor(grid_pixel(heat_map, col + 0.15, row + 0.15)).name()


def test_sobel_and_prewitt_minus_one_share_a_colour_on_one_symmetric_scale_with_a_bar(qtbot):
    page = open_page(qtbot, Conv2DPage)
    prewitt = _cell_colour(page, page.applied_map, 0, 0)
    page.set_kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    assert _cell_colour(page, page.applied_map, 0, 0) == prewitt
    lo, hi = page.colour_bar.levels()
    assert lo == -hi and page.output_map.levels() == page.input_map.levels() == (lo, hi)
    assert page.colour_bar.labels()[0] == "\N{MINUS SIGN}4"
    # the negative and positive fills are no role's colour (roles are outlines)
    from cnn_explorer.gui.widgets import colours
    for end in (colours.DIVERGING_LUT[0], colours.DIVERGING_LUT[-1]):
        for role in (colours.INPUT, colours.KERNEL, colours.OUTPUT, colours.HOVER, colours.ANCHOR):
            role_rgb = colours.qcolor(role).getRgb()[:3]
            assert sum(abs(int(a) - b) for a, b in zip(end[:3], role_rgb)) > 90


@pytest.mark.parametrize("padding, anchor, shown_pads", [
    ("valid", (1,), [0, 0]), ("same", (1,), [1, 0]), ("same", (0,), [0, 1]), ("full", (1,), [1, 1])])
def test_greyed_pad_boxes_show_the_amounts_in_force(qtbot, padding, anchor, shown_pads):
    page = open_page(qtbot, Conv1DPage)
    choose_options(qtbot, page, padding, anchor[0])
    assert [box.value() for box in page.options.custom] == shown_pads
    assert not page.options.custom_row.isEnabled()


def test_a_message_does_not_move_the_views_and_a_long_formula_goes_compact(qtbot):
    page = open_page(qtbot, Conv2DPage, size=(1024, 700))
    top = page.output_map.mapTo(page, page.output_map.rect().topLeft()).y()
    height = page.output_map.height()
    page.show_message("a long message that needs saying " * 6)
    qtbot.wait(10)
    assert page.output_map.mapTo(page, page.output_map.rect().topLeft()).y() == top
    assert page.output_map.height() == height
    page.set_kernel(np.ones((5, 5)))
    assert "Σ of the 5×5 products" in page.formula.text()
    assert page.formula.toolTip().count("·") == 25


def test_jump_to_row_and_one_row_per_step(qtbot):
    page = open_page(qtbot, Conv2DPage)
    page.set_data(np.zeros((28, 28)))
    page.stepper.to_start()
    assert page.stepper.row_box.isVisibleTo(page)
    page.stepper.row_box.setValue(10)
    assert page.stepper.step() == 280
    page.stepper.unit.setCurrentText("rows")
    qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert page.stepper.step() == 308


def test_the_1d_plot_keeps_its_axes_draws_padding_and_lines_up_with_the_strips(qtbot):
    page = open_page(qtbot, Conv1DPage)
    page.stepper.to_start()
    ranges = page.plot.getViewBox().viewRange()
    for _ in range(5):
        page.stepper.step_forward()
        assert page.plot.getViewBox().viewRange() == ranges
    xs, _ = page.pad_curve.getData()
    assert list(xs) == [-1]                                  # the left pad cell, drawn
    vb = page.plot.getViewBox()
    for j in range(7):                                        # signal value j over padded cell j+1
        scene = vb.mapViewToScene(QPointF(j, 0))
        x = page.plot.mapTo(page, page.plot.mapFromScene(scene)).x()
        assert abs(x - _page_x(page, page.input_map, j + 1 + 0.5)) <= 2
    assert page.signal_curve.opts["symbol"] != page.output_curve.opts["symbol"]


@pytest.mark.parametrize("page_class", [Conv1DPage, Conv2DPage])
def test_a_first_run_hint_says_what_to_do_and_goes_for_good(qtbot, page_class):
    page = open_page(qtbot, page_class)
    assert page.hint.isVisible() and "Play" in page.hint.label.text()
    qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)
    assert not page.hint.isVisible()
    again = open_page(qtbot, page_class)
    assert not again.hint.isVisible()


def _outside(widget):
    """Visible descendants lying outside their parent (scrolled contents excepted)."""
    bad = []
    for child in widget.findChildren(QWidget):
        parent = child.parentWidget()
        if not child.isVisible() or parent is None or isinstance(
                parent.parentWidget(), QAbstractScrollArea) or child.isWindow():
            continue
        if not parent.rect().contains(child.geometry()):
            bad.append(f"{type(child).__name__} {child.objectName()} {child.geometry()} in "
                       f"{type(parent).__name__} {parent.rect()}")
    return bad


@pytest.mark.parametrize("page_class", [Conv1DPage, Conv2DPage])
@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_nothing_is_clipped_and_the_options_are_above_the_fold(qtbot, page_class, size):
    from cnn_explorer.gui.main_window import MainWindow

    window = MainWindow(pages=[page_class.__module__.rsplit("_", 1)[0][-6:]],
                        restore_settings=False)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    page = window.findChild(page_class)
    assert _outside(page) == []
    scroll = page.frame.controls_scroll
    options = page.options
    bottom = options.mapTo(scroll.viewport(), options.rect().bottomLeft()).y()
    assert bottom <= scroll.viewport().height()


def test_the_extra_room_of_a_large_window_reaches_the_1d_strips(qtbot):
    page = open_page(qtbot, Conv1DPage, size=(1024, 700))
    small = page.input_map.view.width(), page.input_map.view.height()
    page.resize(1600, 1000)
    qtbot.waitUntil(lambda: page.input_map.view.width() > small[0])
    assert page.input_map.view.height() > small[1]


def test_a_typed_kernel_value_is_not_written_back_into_the_table_it_came_from(qtbot):
    page = open_page(qtbot, Conv2DPage)
    editor = page.kernel_panel.editor
    writes = []
    original = editor.set_values
    editor.set_values = lambda values: (writes.append(values), original(values))
    type_into(qtbot, editor, 2, 2, "4")
    assert writes == []                                   # the cell keeps what was typed
    assert shown(page.applied_map)[2, 2] == 4 and page.state.kernel[2, 2] == 4
    page.undo_stack.undo()                                # the state changed elsewhere: drawn
    assert len(writes) == 1 and editor.item(2, 2).text() == "1"
