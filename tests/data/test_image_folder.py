"""Image folders: one subfolder per class, grey 28×28, nothing skipped silently."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from cnn_explorer.data.catalog import describe, load

Image = pytest.importorskip("PIL.Image")


def _save(path, array_or_image, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    image = array_or_image
    if isinstance(image, np.ndarray):
        image = Image.fromarray(image)
    image.save(path, **kwargs)


def _make_classes(root, rng, per_class=5, names=("cat", "dog", "eel")):
    for c, name in enumerate(names):
        for i in range(per_class):
            size = (int(rng.integers(20, 60)), int(rng.integers(20, 60)))
            pixels = np.full(size + (3,), 40 * c, dtype=np.uint8)
            _save(root / name / f"{i}.png", pixels)


def test_class_folders_become_grey_28x28_with_sorted_class_names(tmp_path, rng):
    _make_classes(tmp_path / "pets", rng, per_class=10)
    data = load(tmp_path / "pets", seed=2)
    assert data.class_names == ("cat", "dog", "eel")
    assert data.x_train.shape == (27, 28, 28) and data.x_test.shape == (3, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert np.bincount(data.y_test).tolist() == [1, 1, 1]
    # Every image of class c was a flat grey 40*c: resizing keeps it flat.
    for x, y in zip(data.x_train, data.y_train):
        assert (x == 40 * y).all()
    assert any("held out" in note for note in data.notes)


def test_colour_to_grey_and_resize_values(tmp_path):
    red = np.zeros((10, 10, 3), dtype=np.uint8)
    red[..., 0] = 255
    _save(tmp_path / "f" / "red" / "r.png", red)
    half = np.zeros((56, 56), dtype=np.uint8)
    half[:, :28] = 255
    _save(tmp_path / "f" / "half" / "h.png", half)
    _save(tmp_path / "f" / "half" / "h2.jpg", half, quality=100)
    data = load(tmp_path / "f", grey=True)    # colour is kept unless grey is asked for
    images = {int(y): x for x, y in zip(np.concatenate([data.x_train, data.x_test]),
                                        np.concatenate([data.y_train, data.y_test]))}
    red_index = data.class_names.index("red")
    assert (images[red_index] == 76).all()  # ITU-R 601 luma: 0.299 * 255
    half_image = images[data.class_names.index("half")]
    assert (half_image[:, :11] >= 250).all() and (half_image[:, 17:] <= 5).all()


def test_transparent_pixels_are_white_and_palette_images_work(tmp_path):
    clear = np.zeros((28, 28, 4), dtype=np.uint8)
    _save(tmp_path / "t" / "a" / "clear.png", clear)
    palette = Image.fromarray(np.full((28, 28), 200, dtype=np.uint8)).convert("P")
    _save(tmp_path / "t" / "b" / "p.gif", palette)
    _save(tmp_path / "t" / "b" / "p2.bmp", np.full((28, 28), 200, dtype=np.uint8))
    data = load(tmp_path / "t")
    all_x = np.concatenate([data.x_train, data.x_test])
    all_y = np.concatenate([data.y_train, data.y_test])
    assert (all_x[all_y == 0] == 255).all()
    assert (all_x[all_y == 1] == 200).all()


def test_train_and_test_subfolders_are_used_as_given(tmp_path, rng):
    _make_classes(tmp_path / "split" / "train", rng, per_class=4)
    _make_classes(tmp_path / "split" / "test", rng, per_class=2)
    data = load(tmp_path / "split")
    assert len(data.x_train) == 12 and len(data.x_test) == 6
    assert data.notes == ()
    (tmp_path / "split" / "test" / "eel").rename(tmp_path / "split" / "test" / "fish")
    with pytest.raises(ValueError, match="both need the same class folders"):
        load(tmp_path / "split")


def test_ignored_entries_are_reported(tmp_path, rng):
    _make_classes(tmp_path / "notes", rng)
    (tmp_path / "notes" / "cat" / "readme.txt").write_text("hello")
    (tmp_path / "notes" / "dog" / "nested").mkdir()
    (tmp_path / "notes" / "dog" / ".hidden.png").write_bytes(b"")
    data = load(tmp_path / "notes")
    note = next(n for n in data.notes if "ignored" in n)
    assert "ignored 2 entries" in note and "readme.txt" in note and "nested" in note


@pytest.mark.parametrize("content", [b"", b"this is not a png", None])
def test_corrupt_image_raises_naming_the_file(tmp_path, rng, content):
    _make_classes(tmp_path / "bad", rng)
    target = tmp_path / "bad" / "dog" / "broken.png"
    if content is None:  # a real PNG cut in half
        good = (tmp_path / "bad" / "dog" / "0.png").read_bytes()
        content = good[: len(good) // 2]
    target.write_bytes(content)
    with pytest.raises(ValueError, match=r"broken\.png cannot be read as an image"):
        load(tmp_path / "bad")


def test_empty_class_and_single_class_are_errors(tmp_path, rng):
    _make_classes(tmp_path / "one", rng, names=("only",))
    with pytest.raises(ValueError, match="at least 2"):
        load(tmp_path / "one")
    _make_classes(tmp_path / "gap", rng)
    (tmp_path / "gap" / "empty").mkdir()
    (tmp_path / "gap" / "empty" / "notes.txt").write_text("x")
    with pytest.raises(ValueError, match="holds no images"):
        load(tmp_path / "gap")


def test_describe_counts_match_load(tmp_path, rng):
    _make_classes(tmp_path / "pets", rng, per_class=7)
    info = describe(tmp_path / "pets")
    data = load(tmp_path / "pets")
    assert info.source == "folder" and "one subfolder per class" in info.description
    assert (info.num_train, info.num_test) == (len(data.x_train), len(data.x_test)) == (18, 3)
    _make_classes(tmp_path / "split" / "train", rng, per_class=4)
    _make_classes(tmp_path / "split" / "test", rng, per_class=2)
    info = describe(tmp_path / "split")
    assert (info.num_train, info.num_test) == (12, 6)
    # hidden folders and files, and unfinished downloads, are not read by load(): not counted
    # either (a hidden .thumbs/ beside train/ and test/ made describe() say 0 and 0)
    _make_classes(tmp_path / "split" / ".thumbs", rng, per_class=1)
    (tmp_path / "split" / "train" / "cat" / ".hidden.png").write_bytes(b"")
    (tmp_path / "split" / "train" / "cat" / "x.png.part").write_bytes(b"")
    info, data = describe(tmp_path / "split"), load(tmp_path / "split")
    assert (info.num_train, info.num_test) == (len(data.x_train), len(data.x_test)) == (12, 6)


def test_without_pillow_the_error_says_what_to_install(tmp_path, rng, monkeypatch):
    _make_classes(tmp_path / "pets", rng)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "PIL" else real_find_spec(name, *a))
    with pytest.raises(ValueError, match=r"needs the Pillow package \(pip install pillow\)"):
        load(tmp_path / "pets")


def test_importing_the_catalog_does_not_load_pillow():
    code = "import sys, cnn_explorer.data.catalog; print('PIL' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
