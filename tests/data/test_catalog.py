"""The catalog: what is listed offline, the bundled split, named and folder datasets, errors."""

import hashlib

import numpy as np
import pytest

from cnn_explorer.data import catalog
from cnn_explorer.data.catalog import available, load, stratified_split
from cnn_explorer.data.idx import read_idx, write_idx
from cnn_explorer.resources import resource_path


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """No real cache and no system datasets unless a test installs fake ones."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(catalog, "SYSTEM_DATASETS", {"fashion-mnist": tmp_path / "no-such-dir"})


def _write_set(folder, rng, n_train=30, n_test=10, prefix=("train", "t10k"), classes=10):
    folder.mkdir(parents=True, exist_ok=True)
    sets = {}
    for split, n in zip(prefix, (n_train, n_test)):
        x = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
        y = np.arange(n, dtype=np.uint8) % classes
        write_idx(folder / f"{split}-images-idx3-ubyte.gz", x)
        write_idx(folder / f"{split}-labels-idx1-ubyte.gz", y)
        sets[split] = (x, y)
    return sets


def test_bundled_is_always_listed_first():
    infos = available()
    assert [i.name for i in infos] == ["mnist-5k"]
    bundled = infos[0]
    assert (bundled.source, bundled.num_train, bundled.num_test) == ("bundled", 4500, 500)
    assert bundled.path == resource_path("mnist-5k") and bundled.title and bundled.description


def test_mnist5k_split_is_seeded_shuffled_and_stratified():
    data = load("mnist-5k")
    assert data.x_train.shape == (4500, 28, 28) and data.x_test.shape == (500, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert data.class_names == tuple("0123456789") and data.num_classes == 10
    assert np.bincount(data.y_test).tolist() == [50] * 10
    assert np.bincount(data.y_train).tolist() == [450] * 10
    # Shuffled: the stored file is sorted by class, the training order is not.
    assert (np.diff(data.y_train) != 0).sum() > 3000
    again, other = load("mnist-5k", seed=0), load("mnist-5k", seed=1)
    np.testing.assert_array_equal(again.x_train, data.x_train)
    assert not np.array_equal(other.y_train, data.y_train)
    # Train and test together are exactly the 5,000 stored images.
    stored = read_idx(resource_path("mnist-5k", "images-idx3-ubyte.gz"))
    together = np.concatenate([data.x_train, data.x_test])
    key = lambda a: sorted(hashlib.md5(img.tobytes()).hexdigest() for img in a)  # noqa: E731
    assert key(together) == key(stored)


def test_bundled_digits_are_not_in_the_official_test_set(shared_data):
    bundled = {img.tobytes() for img in read_idx(resource_path("mnist-5k",
                                                               "images-idx3-ubyte.gz"))}
    official = read_idx(shared_data / "mnist-test" / "t10k-images-idx3-ubyte.gz")
    assert not any(img.tobytes() in bundled for img in official)


def test_stratified_split_properties(rng):
    labels = np.repeat([0, 1, 2, 3], [100, 7, 2, 1])
    train, test = stratified_split(labels, 0.2, seed=5)
    assert np.intersect1d(train, test).size == 0
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
    assert np.bincount(labels[test], minlength=4).tolist() == [20, 1, 1, 0]
    t2, s2 = stratified_split(labels, 0.2, seed=5)
    np.testing.assert_array_equal(train, t2)
    with pytest.raises(ValueError, match="between 0 and 1"):
        stratified_split(labels, 1.0)


def test_system_fashion_is_listed_and_loaded(tmp_path, rng, monkeypatch):
    folder = tmp_path / "fashion"
    sets = _write_set(folder, rng)
    monkeypatch.setattr(catalog, "SYSTEM_DATASETS", {"fashion-mnist": folder})
    infos = {i.name: i for i in available()}
    assert infos["fashion-mnist"].source == "system"
    assert (infos["fashion-mnist"].num_train, infos["fashion-mnist"].num_test) == (30, 10)
    data = load("fashion-mnist")
    np.testing.assert_array_equal(data.x_train, sets["train"][0])
    np.testing.assert_array_equal(data.y_test, sets["t10k"][1])
    assert data.class_names[:2] == ("T-shirt/top", "Trouser")
    assert data.class_names[-1] == "Ankle boot"
    assert data.notes == ()


def test_real_system_fashion_mnist_when_installed():
    folder = catalog.Path("/usr/share/datasets/fashion-mnist")
    if not (folder / "t10k-labels-idx1-ubyte.gz").is_file():
        pytest.skip("Debian's dataset-fashion-mnist is not installed")
    catalog.SYSTEM_DATASETS["fashion-mnist"] = folder
    info = {i.name: i for i in available()}["fashion-mnist"]
    assert (info.num_train, info.num_test) == (60_000, 10_000)


def test_named_dataset_missing_says_how_to_get_it():
    with pytest.raises(ValueError, match=r"download it first.*dataset-fashion-mnist"):
        load("fashion-mnist")
    with pytest.raises(ValueError, match=r"MNIST is not on this computer.*download\('mnist'\)"):
        load("mnist")


def test_unknown_name_and_non_folder(tmp_path):
    with pytest.raises(ValueError, match="neither a known dataset .*mnist-5k"):
        load("imagenet")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="is a file"):
        load(tmp_path / "file")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no dataset this app can read"):
        load(tmp_path / "empty")


@pytest.mark.parametrize("prefix", [("train", "t10k"), ("train", "test")])
def test_idx_folder_with_train_and_test(tmp_path, rng, prefix):
    sets = _write_set(tmp_path / "mine", rng, prefix=prefix)
    (tmp_path / "mine" / "README.txt").write_text("not data")
    data = load(tmp_path / "mine", seed=3)
    assert data.name == "mine" and data.class_names == tuple("0123456789")
    np.testing.assert_array_equal(data.x_test, sets[prefix[1]][0])
    np.testing.assert_array_equal(data.y_train, sets["train"][1])


def test_a_label_far_beyond_the_others_is_noted(tmp_path, rng):
    # one damaged byte (label 200 among digits) silently made a 201-class dataset
    sets = _write_set(tmp_path / "mine", rng)
    labels = sets["train"][1].copy()
    labels[0] = 200
    write_idx(tmp_path / "mine" / "train-labels-idx1-ubyte.gz", labels)
    data = load(tmp_path / "mine")
    assert data.num_classes == 201
    assert data.notes == ("190 classes of 201 have no images (labels 10 to 199): a damaged "
                          "labels file, or labels that skip numbers",)
    labels[0], labels[1] = 12, 14
    write_idx(tmp_path / "mine" / "train-labels-idx1-ubyte.gz", labels)
    assert load(tmp_path / "mine").notes == (
        "3 classes of 15 have no images (labels 10, 11, 13): a damaged labels file, or labels "
        "that skip numbers",)
    _write_set(tmp_path / "mine", rng)                       # every class present: no note
    assert load(tmp_path / "mine").notes == ()


def test_idx_folder_single_set_is_split_with_class_names_file(tmp_path, rng):
    folder = tmp_path / "shapes"
    folder.mkdir()
    write_idx(folder / "my-images.idx3-ubyte", rng.integers(0, 256, (40, 28, 28), dtype=np.uint8))
    write_idx(folder / "my-labels.idx1-ubyte", np.arange(40, dtype=np.uint8) % 4)
    (folder / "classes.txt").write_text("circle\nsquare\ntriangle\nstar\n")
    data = load(str(folder), seed=1)
    assert data.class_names == ("circle", "square", "triangle", "star")
    assert len(data.y_train) == 36 and np.bincount(data.y_test).tolist() == [1, 1, 1, 1]
    assert any("held out for testing" in note for note in data.notes)


def test_idx_folder_errors(tmp_path, rng):
    folder = tmp_path / "broken"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte", rng.integers(0, 256, (5, 28, 28),
                                                              dtype=np.uint8))
    with pytest.raises(ValueError, match="no matching train labels"):
        load(folder)
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(4, dtype=np.uint8))
    with pytest.raises(ValueError, match="holds 5 images but .* holds 4 labels"):
        load(folder)
    write_idx(folder / "train-labels-idx1-ubyte", np.arange(5, dtype=np.uint8))
    (folder / "classes.txt").write_text("a\nb\n")
    with pytest.raises(ValueError, match="labels go up to 4 but only 2 class names"):
        load(folder)
    (folder / "classes.txt").unlink()
    # one class only: it loaded, and training then reported 100% accuracy
    write_idx(folder / "train-labels-idx1-ubyte", np.full(5, 3, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"broken: every image has the label 3; a classifier "
                                         r"needs images of at least 2 classes"):
        load(folder)
    write_idx(folder / "train-images-idx3-ubyte.gz", np.zeros((5, 28, 28), dtype=np.uint8))
    with pytest.raises(ValueError, match="two train images files"):
        load(folder)


def test_idx_folder_with_wrong_content_types(tmp_path):
    folder = tmp_path / "types"
    folder.mkdir()
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((3, 28, 28), dtype=np.float32))
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="should hold uint8 images"):
        load(folder)
    write_idx(folder / "train-images-idx3-ubyte", np.zeros((3, 28, 28), dtype=np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte", np.zeros((3, 2), dtype=np.uint8))
    with pytest.raises(ValueError, match="one integer label per image"):
        load(folder)


def test_damaged_file_in_folder_names_it(tmp_path, rng):
    sets_folder = tmp_path / "damaged"
    _write_set(sets_folder, rng)
    path = sets_folder / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match="t10k-images-idx3-ubyte.gz"):
        load(sets_folder)


def test_describe_folders_without_loading(tmp_path, rng):
    _write_set(tmp_path / "pair", rng, n_train=30, n_test=10)
    info = catalog.describe(tmp_path / "pair")
    assert (info.name, info.source, info.num_train, info.num_test) == ("pair", "folder", 30, 10)
    assert "IDX" in info.description
    single = tmp_path / "single"
    single.mkdir()
    write_idx(single / "images-idx3-ubyte.gz", np.zeros((50, 28, 28), dtype=np.uint8))
    write_idx(single / "labels-idx1-ubyte.gz", np.repeat(np.arange(5, dtype=np.uint8), 10))
    info = catalog.describe(single)
    data = load(single)
    assert (info.num_train, info.num_test) == (len(data.y_train), len(data.y_test)) == (45, 5)
    (tmp_path / "nothing").mkdir()
    with pytest.raises(ValueError, match="holds no dataset"):
        catalog.describe(tmp_path / "nothing")
    with pytest.raises(ValueError, match="nor an existing folder"):
        catalog.describe(tmp_path / "absent")


def test_read_split_gives_the_official_test_set(shared_data, tmp_path):
    x, y = catalog.read_split(shared_data / "mnist-test")
    assert x.shape == (10_000, 28, 28) and y.dtype == np.int64 and y[:3].tolist() == [7, 2, 1]
    with pytest.raises(ValueError, match="only a test set .*read_split"):
        load(shared_data / "mnist-test")
    with pytest.raises(ValueError, match="holds no train set"):
        catalog.read_split(shared_data / "mnist-test", "train")
    with pytest.raises(ValueError, match="split must be"):
        catalog.read_split(shared_data / "mnist-test", "validation")
    x5, y5 = catalog.read_split(shared_data / "mnist-5k", "all")
    assert x5.shape == (5000, 28, 28)


def test_idx_folder_with_no_images(tmp_path):
    folder = tmp_path / "zero"
    folder.mkdir()
    write_idx(folder / "images-idx3-ubyte", np.zeros((0, 28, 28), dtype=np.uint8))
    write_idx(folder / "labels-idx1-ubyte", np.zeros(0, dtype=np.uint8))
    with pytest.raises(ValueError, match="holds no images"):
        load(folder)
