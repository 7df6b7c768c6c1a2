"""The training pages' tests share a slice of the bundled digits (a short real run)."""

import dataclasses

import pytest

from cnn_explorer.data import catalog


@pytest.fixture(scope="module")
def small_data():
    data = catalog.load(catalog.BUNDLED)
    return dataclasses.replace(data, x_train=data.x_train[:640], y_train=data.y_train[:640],
                               x_test=data.x_test[:40], y_test=data.y_test[:40])
