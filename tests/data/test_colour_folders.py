"""Image folders keep colour when the images are colour; a colour folder trains end to end."""

import numpy as np
import pytest

from colour_data import noisy_colour_folder
from cnn_explorer.data.catalog import describe, load
from cnn_explorer.nn import layers
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.training import TrainConfig, train_steps

Image = pytest.importorskip("PIL.Image")

RED, BLUE = (200, 30, 30), (30, 30, 200)


def _flat(path, colour, size=(20, 24)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(size + (3,), colour, dtype=np.uint8)).save(path)


def _two_colours(root, per_class=6, split=False):
    for name, colour in (("blue", BLUE), ("red", RED)):
        for i in range(per_class):
            where = root / ("train" if i < per_class - 2 else "test") if split else root
            _flat(where / name / f"{i}.png", colour)


def test_value_images_stay_colour(tmp_path):
    _two_colours(tmp_path / "flags", per_class=10)
    data = load(tmp_path / "flags")
    assert data.x_train.shape == (18, 28, 28, 3) and data.x_test.shape == (2, 28, 28, 3)
    assert data.x_train.dtype == np.uint8
    for x, y in zip(data.x_train, data.y_train):
        assert tuple(x[5, 5]) == (BLUE, RED)[y]
    assert "colour" in describe(tmp_path / "flags").description


def test_grey_option_makes_them_grey_as_before(tmp_path):
    _two_colours(tmp_path / "flags", per_class=10)
    data = load(tmp_path / "flags", grey=True)
    assert data.x_train.shape == (18, 28, 28)
    want = {y: np.asarray(Image.new("RGB", (1, 1), c).convert("L"))[0, 0]
            for y, c in enumerate((BLUE, RED))}
    for x, y in zip(data.x_train, data.y_train):
        assert (x == want[y]).all()


def test_one_value_image_among_grey_ones_makes_the_folder_colour(tmp_path):
    for i in range(3):
        _flat(tmp_path / "mix" / "a" / f"{i}.png", (90, 90, 90))
        Image.fromarray(np.full((10, 10), 10 * i, np.uint8)).save(
            (tmp_path / "mix" / "b").mkdir(exist_ok=True, parents=True) or
            tmp_path / "mix" / "b" / f"{i}.png")
    data = load(tmp_path / "mix")
    assert data.x_train.ndim == 3                  # all grey: as before
    _flat(tmp_path / "mix" / "b" / "colour.png", RED)
    data = load(tmp_path / "mix")
    x = np.concatenate([data.x_train, data.x_test])
    assert x.shape[1:] == (28, 28, 3)
    grey = x[(x[..., 0] == x[..., 1]).all(axis=(1, 2))]
    assert len(grey) == 6 and (grey == grey[..., :1]).all()   # grey images: three equal planes


def test_train_and_test_folders_share_colour(tmp_path):
    """A colour train/ with a grey-looking test/ still gives one shape for both."""
    _two_colours(tmp_path / "s", per_class=6, split=True)
    for name in ("blue", "red"):
        for path in (tmp_path / "s" / "test" / name).iterdir():
            _flat(path, (80, 80, 80))
    data = load(tmp_path / "s")
    assert data.x_train.shape[1:] == data.x_test.shape[1:] == (28, 28, 3)


def test_a_colour_folder_trains_end_to_end(tmp_path):
    """Red versus blue pictures: the engine on H×W×3 data from the folder loader learns them."""
    noisy_colour_folder(tmp_path / "flags", np.random.default_rng(3), {"blue": BLUE, "red": RED},
                        24)
    data = load(tmp_path / "flags", seed=1)
    assert data.x_train.shape[1:] == (28, 28, 3)
    model = Sequential([layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(2),
                        layers.Flatten(), layers.Dense(2, activation="softmax")],
                       input_shape=(28, 28, 3), seed=0)
    before = model.evaluate(data.x_test, data.y_test)
    last = None
    for last in train_steps(model, (data.x_train, data.y_train),
                            TrainConfig(epochs=8, batch_size=8, validation_split=0, threads=1)):
        pass
    assert last.done and last.reason == "finished"
    loss, accuracy = model.evaluate(data.x_test, data.y_test)[:2]
    assert accuracy == 1.0 and loss < before[0]
