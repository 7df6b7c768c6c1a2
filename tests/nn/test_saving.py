"""Model files: exact round trip, and clear errors for anything that is not one."""

import json

import numpy as np
import pytest

from cnn_explorer.nn.saving import save_model, load_model
from cnn_explorer.nn.guide_model import guide_convnet
from cnn_explorer.nn.training import TrainConfig, train_steps


@pytest.fixture
def trained(rng):
    model = guide_convnet(seed=2)
    x = rng.integers(0, 256, size=(64, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=64)
    list(train_steps(model, (x, y), TrainConfig(epochs=1, batch_size=32)))
    return model, x


def test_round_trip_keeps_weights_optimiser_and_history(trained, tmp_path):
    model, x = trained
    path = tmp_path / "model.npz"
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.summary() == model.summary()
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert loaded.history == model.history and len(loaded.history["loss"]) == 1
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 2
    for a, b in zip(loaded.optimizer.get_state()[1], model.optimizer.get_state()[1]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(x[:5]), model.predict(x[:5]))
    assert [p.name for p in tmp_path.iterdir()] == ["model.npz"]  # no temporary file left


def test_untrained_model_round_trip(tmp_path):
    model = guide_convnet(num_classes=3)
    save_model(model, tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.optimizer is None and loaded.output_shape == (None, 3)


def _truncated(path, tmp_path):
    data = path.read_bytes()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: len(data) // 2])
    return bad


def _random_bytes(path, tmp_path):
    bad = tmp_path / "random.npz"
    bad.write_bytes(np.random.default_rng(0).bytes(5000))
    return bad


def _no_architecture(path, tmp_path):
    bad = tmp_path / "foreign.npz"
    np.savez(bad, weights=np.zeros(3))
    return bad


def _single_array(path, tmp_path):
    bad = tmp_path / "array.npy"
    np.save(bad, np.zeros(3))
    return bad


def _flipped_bytes(path, tmp_path):
    data = bytearray(path.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = bytes(64)
    bad = tmp_path / "flipped.npz"
    bad.write_bytes(bytes(data))
    return bad


def _edited(name, edit):
    """A maker of a copy of the good file with ``edit(arrays)`` applied to its arrays by hand."""
    def make(path, tmp_path):
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        edit(arrays)
        bad = tmp_path / f"{name}.npz"
        np.savez(bad, **arrays)
        return bad
    make.__name__ = name
    return make


def _architecture(name, **fields):
    """A well-formed file whose architecture record has ``fields`` changed."""
    def edit(arrays):
        record = json.loads(str(arrays["architecture"][()]))
        arrays["architecture"] = np.array(json.dumps({**record, **fields}))
    return _edited(name, edit)


@pytest.mark.parametrize("make_bad", [
    _truncated, _random_bytes, _no_architecture, _single_array, _flipped_bytes,
    _edited("missing_weight", lambda a: a.pop("weight_004")),
    _edited("damaged_json", lambda a: a.update(architecture=np.array('{"layers": ['))),
    _edited("wrong_shapes", lambda a: a.update(weight_000=np.zeros((3, 3, 1, 16), np.float32))),
    _edited("complex_weights",
            lambda a: a.update(weight_000=a["weight_000"].astype(np.complex128))),
    _architecture("object_dtype", dtype="O"), _architecture("int_dtype", dtype="int8"),
    _architecture("huge_input", input_shape=[10 ** 6, 10 ** 6, 1])])
def test_bad_files_raise_a_clear_value_error(trained, tmp_path, make_bad):
    model, _ = trained
    good = tmp_path / "good.npz"
    save_model(model, good)
    bad = make_bad(good, tmp_path)
    with pytest.raises(ValueError, match=str(bad.name)) as info:
        load_model(bad)
    assert "Traceback" not in str(info.value)


def test_text_file_is_not_a_model(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not"):
        load_model(path)


def test_random_bytes_say_not_an_archive_not_pickle(tmp_path):
    path = _random_bytes(None, tmp_path)
    with pytest.raises(ValueError, match="not an .npz archive") as info:
        load_model(path)
    assert "pickle" not in str(info.value)


def test_non_finite_weights_are_refused(trained, tmp_path):
    model, _ = trained
    good = tmp_path / "good.npz"
    save_model(model, good)
    with np.load(good) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["weight_000"] = np.full_like(arrays["weight_000"], np.nan)
    bad = tmp_path / "nan.npz"
    np.savez(bad, **arrays)
    with pytest.raises(ValueError, match="NaN or infinite"):
        load_model(bad)


def test_saving_into_a_missing_folder_names_the_folder(trained, tmp_path):
    model, _ = trained
    with pytest.raises(ValueError, match="the folder .*missing does not exist"):
        save_model(model, tmp_path / "missing" / "m.npz")
