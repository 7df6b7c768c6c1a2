"""The loss and accuracy curves: points per snapshot, and a legend that never covers them."""

from types import SimpleNamespace

import numpy as np
import pytest

from cnn_explorer.gui.widgets.curves import Curves


def snapshot(epoch, batch, loss, accuracy, val=None, epochs=1):
    return SimpleNamespace(epoch=epoch, epochs=epochs, batch=batch, batches_per_epoch=4, loss=loss,
                           accuracy=accuracy, epoch_end=val is not None, done=False,
                           val_loss=None if val is None else val[0],
                           val_accuracy=None if val is None else val[1])


def test_the_legend_sits_beneath_the_plots_not_over_the_curves(qtbot):
    curves = Curves()
    qtbot.addWidget(curves)
    curves.resize(440, 240)
    curves.show()
    qtbot.waitExposed(curves)
    for batch in range(4):
        curves.add_snapshot(snapshot(0, batch, 2.3 - 0.5 * batch, 0.1 + 0.2 * batch,
                                     val=(0.7, 0.8) if batch == 3 else None))
    np.testing.assert_allclose(curves.data("loss")[0], [0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(curves.data("val_accuracy")[1], [0.8])
    # a legend drawn inside a plot hid the curves it names (the training page's screenshot)
    for plot in (curves.loss_plot, curves.accuracy_plot):
        assert curves.legend.geometry().top() >= plot.geometry().bottom()
    text = curves.legend.text()
    assert "training (running average)" in text and "validation (end of each epoch)" in text


def test_an_infinite_loss_keeps_the_axis_on_the_finite_values(qtbot):
    # a diverging run's inf loss raised "Cannot set range [0, inf]" inside the snapshot slot
    curves = Curves()
    qtbot.addWidget(curves)
    curves.add_snapshot(snapshot(0, 0, 2.0, 0.1))
    curves.add_snapshot(snapshot(0, 1, np.inf, 0.1))
    curves.add_snapshot(snapshot(0, 2, np.nan, 0.1))
    curves.add_snapshot(snapshot(0, 3, 3.0, 0.1, val=(np.inf, 0.1)))
    assert curves.loss_plot.view_range()[1][1] == pytest.approx(3.3, rel=0.05)
    assert np.isinf(curves.data("val_loss")[1]).all()


def test_a_resumed_epoch_replaces_its_abandoned_points_instead_of_doubling_back(qtbot):
    # stopped after batch 3 of epoch 2, Start trains epoch 2 again from its first batch
    curves = Curves()
    qtbot.addWidget(curves)
    for batch in range(4):
        curves.add_snapshot(snapshot(0, batch, 2.0 - 0.1 * batch, 0.5,
                                     val=(1.5, 0.6) if batch == 3 else None))
    curves.add_snapshot(snapshot(1, 0, 1.2, 0.7))
    curves.add_snapshot(snapshot(1, 1, 1.1, 0.7))
    curves.add_snapshot(snapshot(1, 0, 1.3, 0.65))
    x, y = curves.data("loss")
    np.testing.assert_allclose(x, [0.25, 0.5, 0.75, 1.0, 1.25])
    np.testing.assert_allclose(y, [2.0, 1.9, 1.8, 1.7, 1.3])
    np.testing.assert_allclose(curves.data("accuracy")[1][-1], 0.65)
    np.testing.assert_allclose(curves.data("val_loss")[0], [1.0])


def _shown_curves(qtbot, snapshots):
    curves = Curves()
    qtbot.addWidget(curves)
    curves.resize(440, 240)
    curves.show()
    qtbot.waitExposed(curves)
    for snap in snapshots:
        curves.add_snapshot(snap)
    return curves


def test_cached_axes_are_drawn_again_when_the_range_grows(qtbot):
    # the axes are cached pictures: after the x axis grows to 2 epochs and the loss axis to 4,
    # the plots must look exactly like plots that showed those points from the start
    first = [snapshot(0, b, 2.0 - 0.2 * b, 0.5, val=(1.5, 0.6) if b == 3 else None)
             for b in range(4)]
    later = [snapshot(1, 0, 4.0, 0.7), snapshot(1, 1, 1.1, 0.75)]
    grown = _shown_curves(qtbot, first)
    before = grown.loss_plot.grab().toImage()
    for snap in later:
        grown.add_snapshot(snap)
    fresh = _shown_curves(qtbot, first + later)
    for plot in ("loss_plot", "accuracy_plot"):
        image = getattr(grown, plot).grab().toImage()
        assert image == getattr(fresh, plot).grab().toImage()
    assert grown.loss_plot.grab().toImage() != before


def test_the_epoch_axis_spans_the_whole_run_from_its_first_point(qtbot):
    # laid out once a run: the axis does not grow (and lay its ticks out again) every epoch, and
    # the curve shows how far the run has come
    curves = _shown_curves(qtbot, [snapshot(0, 0, 2.0, 0.1, epochs=15)])
    ranges = [plot.view_range()[0] for plot in (curves.loss_plot, curves.accuracy_plot)]
    for x_range in ranges:
        assert x_range[0] < 0 < 15 < x_range[1] < 15.8
    for epoch in range(3):
        curves.add_snapshot(snapshot(epoch, 3, 1.5, 0.5, val=(1.4, 0.6), epochs=15))
    assert [plot.view_range()[0]
            for plot in (curves.loss_plot, curves.accuracy_plot)] == ranges


def test_a_loss_near_the_largest_float_is_drawn_on_finite_axes(qtbot):
    # 1.7e308 × 1.1 overflowed to inf: the axis had no ticks to find and every paint failed
    curves = Curves()
    qtbot.addWidget(curves)
    curves.resize(440, 240)
    curves.set_history({"loss": [1.0, 1.7e308], "accuracy": [0.5, 0.6],
                        "val_loss": [np.inf, 2.0], "val_accuracy": [0.4, 0.5]})
    (x_lo, x_hi), (y_lo, y_hi) = curves.loss_plot.view_range()
    assert all(np.isfinite([x_lo, x_hi, y_lo, y_hi])) and y_hi >= 1.7e308
    for _ in range(2):          # a failed paint left its painter active for the next one
        assert not curves.loss_plot.grab().toImage().isNull()


def test_accuracy_keeps_a_margin_above_one_and_below_zero(qtbot):
    curves = Curves()
    qtbot.addWidget(curves)
    (_, _), (y_lo, y_hi) = curves.accuracy_plot.view_range()
    assert y_lo == pytest.approx(-0.02) and y_hi == pytest.approx(1.02)


def test_a_series_grows_in_place_and_keeps_the_points_it_gave_out():
    from cnn_explorer.gui.widgets.curves import _Series

    series = _Series()
    given = []
    for i in range(1000):
        series.append(i / 10, i * i)
        given.append(series.y)               # a view a plot may hold while the run goes on
    np.testing.assert_array_equal(series.x, np.arange(1000) / 10)
    np.testing.assert_array_equal(series.y, np.arange(1000) ** 2)
    assert all(len(view) == n + 1 and view[-1] == n * n for n, view in enumerate(given))
    series.replace(series.x[:3], series.y[:3])
    assert list(series.y) == [0, 1, 4] and len(given[-1]) == 1000
