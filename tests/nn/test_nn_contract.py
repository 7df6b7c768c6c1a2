"""Regressions of the engine's input contract: every bad model, setting, batch or file is a
ValueError a student can read (TypeError, IndexError and silent NaN before)."""

import json
import time
import zipfile

import numpy as np
import pytest

from cnn_explorer.nn import layers as L
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.saving import load_model, save_model
from cnn_explorer.nn.training import TrainConfig, train_steps


def tiny(*extra, input_shape=(6, 6, 1)):
    return Sequential([L.Conv2D(2, 3, activation="relu"), *extra], input_shape=input_shape)


def classifier(*middle):
    return Sequential([L.Conv2D(2, 3, activation="relu"), *middle, L.Flatten(),
                       L.Dense(3, activation="softmax")], input_shape=(6, 6, 1))


@pytest.fixture
def data(rng):
    return rng.integers(0, 256, (40, 6, 6), dtype=np.uint8), rng.integers(0, 3, 40)


@pytest.mark.parametrize("model", [
    lambda: tiny(),                                        # ends in Conv2D: (None, 4, 4, 2)
    lambda: tiny(L.MaxPooling2D(2)),
    lambda: tiny(L.Softmax()),                             # a softmax over images
    lambda: tiny(L.Flatten(), L.Dense(1)),                 # one class
])
def test_a_model_that_is_no_classifier_is_refused_before_training(model, data):
    m = model()
    with pytest.raises(ValueError, match=r"a classifier must output \(batch, classes\)"):
        next(train_steps(m, data, TrainConfig(epochs=1)))
    with pytest.raises(ValueError, match="a classifier must output"):
        m.evaluate(*data)
    with pytest.raises(ValueError, match="a classifier must output"):
        m.loss_and_grads(*data)


@pytest.mark.parametrize("epsilon", [0.0, -1e-3, float("nan"), float("inf"), "0.001", None])
def test_batch_normalization_epsilon_must_be_small_and_positive(epsilon):
    with pytest.raises(ValueError, match="epsilon must be a small positive number"):
        L.BatchNormalization(epsilon=epsilon)


@pytest.mark.parametrize("momentum", [-0.1, 1.5, float("nan"), "0.9"])
def test_batch_normalization_momentum_is_a_fraction(momentum):
    with pytest.raises(ValueError, match="momentum must be a number in"):
        L.BatchNormalization(momentum=momentum)


def test_a_diverged_run_keeps_finite_moving_statistics_and_saves(rng, tmp_path):
    # values of 3e19 overflow the moving variance (float32) while the loss stays finite: the
    # weights "kept" were copied after that forward pass, so inf stayed and the file would not load
    model = classifier(L.BatchNormalization())
    x = (rng.normal(size=(40, 6, 6, 1)) * 3e19).astype(np.float32)
    snaps = list(train_steps(model, (x, rng.integers(0, 3, 40)),
                             TrainConfig(epochs=2, batch_size=8, validation_split=0)))
    assert snaps[-1].reason.startswith("diverged")
    assert all(np.isfinite(w).all() for w in model.get_weights())
    save_model(model, tmp_path / "m.npz")
    assert load_model(tmp_path / "m.npz").count_params() == model.count_params()


def test_a_finite_but_exploding_loss_is_named_divergence(data):
    # SGD at 1e6 ended "finished" with a mean loss of 4e10
    model = classifier()
    snaps = list(train_steps(model, data, TrainConfig(epochs=3, batch_size=8, optimizer="sgd",
                                                      learning_rate=1e6, validation_split=0)))
    assert snaps[-1].done and snaps[-1].reason.startswith("diverged: loss became")
    assert "per image" in snaps[-1].reason or "inf" in snaps[-1].reason
    loss, _ = model.evaluate(*data)
    assert np.isfinite(loss) and loss < 1000


def test_memory_is_estimated_before_allocating():
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"needs 900,000,000 values of working memory per image "
                                         r"\(3\.6 GB\)"):
        Sequential([L.Conv2D(1, 15, padding="same")], input_shape=(2000, 2000, 1))
    assert time.perf_counter() - start < 2          # refused before any allocation


def test_a_batch_too_large_for_memory_is_refused(data):
    model = Sequential([L.Conv2D(4, 7, padding="same"), L.Flatten(), L.Dense(2)],
                       input_shape=(400, 400, 1))
    x, y = np.zeros((2, 400, 400), np.uint8), np.array([0, 1])
    with pytest.raises(ValueError, match="use a batch size of at most"):
        next(train_steps(model, (x, y), TrainConfig(batch_size=4096)))
    assert model.predict(x, batch_size=4096).shape == (2, 2)    # predict splits the batch


def _rewrite(path, edit):
    """``path`` with its JSON records passed through ``edit(records)``, as a valid zip."""
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    records = {k: json.loads(str(arrays[k][()])) for k in ("architecture", "history")}
    edit(records)
    for k, v in records.items():
        arrays[k] = np.array(json.dumps(v))
    np.savez(path, **arrays)
    return path


def _flip_compression(path):
    raw = bytearray(path.read_bytes())
    central = raw.index(b"PK\x01\x02")     # the first central directory entry
    raw[central + 10] ^= 0x01               # its compression method: 0 (stored) -> 1 (shrink)
    path.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("damage", [
    lambda p: _rewrite(p, lambda r: r["history"].update(loss={"a": 1})),
    lambda p: _rewrite(p, lambda r: r["history"].update(loss=[{"a": 1}])),
    lambda p: _rewrite(p, lambda r: r["architecture"]["layers"][0].update(name=["x"])),
    lambda p: _rewrite(p, lambda r: r["architecture"]["layers"][0].update(class_name=[1])),
    lambda p: _rewrite(p, lambda r: r["architecture"]["layers"][0].update(use_bias="no")),
    lambda p: _rewrite(p, lambda r: r["architecture"].update(input_shape=[8.5, 8, 1])),
    _flip_compression,
])
def test_crafted_model_files_are_value_errors(damage, tmp_path):
    path = tmp_path / "m.npz"
    save_model(classifier(), path)
    with pytest.raises(ValueError):
        load_model(damage(path))


def test_a_crafted_array_header_allocates_nothing(tmp_path):
    # an .npy header announcing 10**12 values in a small entry: np.load allocated first
    path = tmp_path / "m.npz"
    save_model(classifier(), path)
    with zipfile.ZipFile(path) as z:
        entries = {i.filename: z.read(i) for i in z.infolist()}
    entries["weight_000.npy"] = entries["weight_000.npy"].replace(b"(3, 3, 1, 2)", b"(10**12,)"
                                                                  .replace(b"10**12", b"1" + b"0" * 12))
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    with pytest.raises(ValueError, match="announces"):
        load_model(path)


@pytest.mark.parametrize("change, message", [
    (dict(learning_rate="0.1"), "learning_rate must be a positive number"),
    (dict(seed=None), "seed must be a whole number"),
    (dict(seed=-1), "seed must be a whole number"),
    (dict(batch_size=2.5), "batch_size must be a positive integer"),
    (dict(epochs=True), "epochs must be a positive integer"),
    (dict(validation_split="0.1"), "validation_split must be in"),
    (dict(optimizer=["adam"]), "optimizer must be one of"),
])
def test_loose_settings_are_value_errors(change, message, data):
    with pytest.raises(ValueError, match=message):
        next(train_steps(classifier(), data, TrainConfig(**change)))


def test_list_data_is_accepted(data):
    x, y = data
    snaps = list(train_steps(classifier(), ((x / 255).tolist(), y.tolist()),
                             TrainConfig(epochs=1, batch_size=20)))
    assert snaps[-1].reason == "finished"


@pytest.mark.parametrize("call, message", [
    (lambda: Sequential([L.Flatten()], input_shape=(8.5, 8, 1)), "whole number"),
    (lambda: Sequential([L.Flatten()], input_shape=None), "input_shape must be"),
    (lambda: Sequential([L.Flatten()], input_shape=(4, 4, 1), seed="x"), "seed must be"),
    (lambda: Sequential([L.Flatten()], input_shape=(4, 4, 1), dtype="banana"), "float32"),
    (lambda: Sequential("conv", input_shape=(4, 4, 1)), "a list of at least one layer"),
    (lambda: classifier().predict(np.zeros((2, 6, 6)), batch_size=-1), "at least 1"),
    (lambda: classifier().predict(np.zeros((2, 6, 6)), batch_size=2.5), "whole number"),
    (lambda: classifier().predict(np.full((2, 6, 6, 1), np.nan)), "image 0 holds NaN"),
    (lambda: classifier().evaluate(np.zeros((2, 6, 6)), [0, 1], batch_size=0), "at least 1"),
    (lambda: classifier().predict("images"), "array of numbers"),
    (lambda: L.Conv2D(2.0, 3), "filters must be a positive integer"),
    (lambda: L.Conv2D(2, 3, padding=["same"]), "padding must be"),
    (lambda: L.Dense(True), "units must be a positive integer"),
    (lambda: L.Dense(3, use_bias="no"), "use_bias must be True or False"),
    (lambda: L.Dropout("0.5"), "rate must be a number"),
    (lambda: L.Dense(3, activation=["relu"]), "unknown activation"),
    (lambda: L.Flatten(name=["x"]), "a layer name must be text"),
    (lambda: L.MaxPooling2D(np.array(2.5)), "pool_size must be a positive integer"),
])
def test_bad_arguments_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
