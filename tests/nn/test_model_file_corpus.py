"""A seeded corpus of 300 damaged model files (byte flips, truncations, zip header edits,
records rewritten inside a valid zip): each is refused with a ValueError or loads equal to the
valid model."""

import json
import zipfile

import numpy as np
import pytest

from cnn_explorer.nn import layers as L
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.saving import load_model, save_model
from cnn_explorer.nn.training import TrainConfig, train_steps

CASES = 300
ODD_VALUES = [None, True, -1, 0, 2.5, 1e308, "x", [], [1], {}, {"a": [1]}, [[1, 2]], "softmax"]


def _flip(raw, rng):
    raw = bytearray(raw)
    for i in rng.integers(0, len(raw), rng.integers(1, 4)):
        raw[i] ^= int(rng.integers(1, 256))
    return bytes(raw)


def _zip_header(raw, rng):
    raw = bytearray(raw)
    marker = (b"PK\x01\x02", b"PK\x03\x04")[int(rng.integers(2))]
    starts = [i for i in range(len(raw) - 4) if raw[i:i + 4] == marker]
    at = starts[int(rng.integers(len(starts)))] + int(rng.integers(4, 30))
    raw[at] ^= 1 << int(rng.integers(8))
    return bytes(raw)


def _edit(node, rng):
    """Replace one value somewhere in a JSON record by an odd one."""
    if isinstance(node, dict) and node:
        key = sorted(node)[int(rng.integers(len(node)))]
        if rng.random() < 0.5 and isinstance(node[key], (dict, list)) and node[key]:
            _edit(node[key], rng)
        else:
            node[key] = ODD_VALUES[int(rng.integers(len(ODD_VALUES)))]
    elif isinstance(node, list) and node:
        i = int(rng.integers(len(node)))
        if rng.random() < 0.5 and isinstance(node[i], (dict, list)) and node[i]:
            _edit(node[i], rng)
        else:
            node[i] = ODD_VALUES[int(rng.integers(len(ODD_VALUES)))]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model-corpus")
    model = Sequential([L.Conv2D(2, 3, activation="relu"), L.BatchNormalization(),
                        L.MaxPooling2D(2), L.Flatten(), L.Dropout(0.2),
                        L.Dense(3, activation="softmax")], input_shape=(8, 8, 1))
    rng = np.random.default_rng(5)
    data = rng.integers(0, 256, (24, 8, 8), dtype=np.uint8), rng.integers(0, 3, 24)
    list(train_steps(model, data, TrainConfig(epochs=1, batch_size=8)))
    path = folder / "good.npz"
    save_model(model, path)
    return folder, path.read_bytes(), model


def _records_edited(good, rng, path):
    path.write_bytes(good)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    key = ("architecture", "history", "optimizer")[int(rng.integers(3))]
    record = json.loads(str(arrays[key][()]))
    _edit(record, rng)
    arrays[key] = np.array(json.dumps(record))
    if rng.random() < 0.2:                      # and sometimes a weight of another shape or dtype
        name = f"weight_{int(rng.integers(0, 6)):03d}"
        arrays[name] = np.zeros(int(rng.integers(1, 5)), ("f4", "i8", "c8")[int(rng.integers(3))])
    np.savez(path, **arrays)
    return path.read_bytes()


def test_damaged_model_files_are_refused_or_load_equal(saved):
    folder, good, model = saved
    rng = np.random.default_rng(20261202)
    refused = 0
    for case in range(CASES):
        path = folder / f"case{case}.npz"
        how = case % 4
        content = (_flip(good, rng) if how == 0 else good[:int(rng.integers(0, len(good)))]
                   if how == 1 else _zip_header(good, rng) if how == 2
                   else _records_edited(good, rng, path))
        path.write_bytes(content)
        try:
            loaded = load_model(path)
        except ValueError:
            refused += 1
            continue
        assert loaded.count_params() == model.count_params()
        for a, b in zip(loaded.get_weights(), model.get_weights()):
            assert np.isfinite(a).all() and a.shape == b.shape
    assert refused > CASES // 2
