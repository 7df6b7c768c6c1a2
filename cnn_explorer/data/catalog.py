"""Which datasets can be used offline, and loading any of them as uint8 images with int labels.

Sources, in the order :func:`available` lists them:

- ``mnist-5k`` (bundled): 5,000 MNIST digits in ``resources/mnist-5k``, stored sorted by class;
  a seeded, stratified shuffle splits them into 4,500 training and 500 test images.
- ``fashion-mnist`` (system): Debian's ``dataset-fashion-mnist`` package, when installed.
- ``mnist``, ``fashion-mnist``, ``kmnist`` (cache): full sets fetched by :func:`download`.
- ``cifar-10`` (cache): 60,000 colour images 32×32×3, fetched by :func:`download`.

:func:`load` also takes the path of a folder of IDX files or of images in one folder per class.
"""

from __future__ import annotations

import numbers
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnn_explorer.data import cifar
from cnn_explorer.data.download import (COLOUR_DOWNLOADS, DOWNLOADS, DownloadCancelled,
                                        DownloadError, cache_dir, dataset_dir, download,
                                        is_complete)
from cnn_explorer.data.folders import (FolderData, find_idx_files,
                                       image_class_sizes, is_image_folder, load_idx_folder,
                                       load_image_folder, read_labels, read_split)
from cnn_explorer.data.idx import read_idx_header
from cnn_explorer.resources import resource_path

__all__ = ["COLOUR_DOWNLOADS", "DOWNLOADS", "Dataset", "DatasetInfo", "DownloadCancelled",
           "DownloadError", "available", "cache_dir", "describe", "download", "load", "read_split",
           "stratified_split"]

#: Fraction of a single-set dataset (mnist-5k, image folders) held out as its test set.
TEST_FRACTION = 0.1
DIGITS = tuple(str(d) for d in range(10))
CLASS_NAMES: dict[str, tuple[str, ...]] = {
    "mnist-5k": DIGITS,
    "mnist": DIGITS,
    "fashion-mnist": ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                      "Sneaker", "Bag", "Ankle boot"),
    # Romanised readings of the ten hiragana お き す つ な は ま や れ を (fonts may lack them).
    "kmnist": ("o", "ki", "su", "tsu", "na", "ha", "ma", "ya", "re", "wo"),
    "cifar-10": cifar.CLASS_NAMES,
}
TITLES = {"mnist-5k": "MNIST 5k (bundled)", "mnist": "MNIST", "fashion-mnist": "Fashion-MNIST",
          "kmnist": "Kuzushiji-MNIST", "cifar-10": "CIFAR-10"}
DESCRIPTIONS = {
    "mnist-5k": "5,000 handwritten digits (500 per class) from MNIST, bundled with the app; "
                "a seeded shuffle splits them into 4,500 training and 500 test images.",
    "mnist": "The full MNIST handwritten digits: 60,000 training and 10,000 test images.",
    "fashion-mnist": "Zalando's clothing images (T-shirt, trouser, ..., ankle boot): "
                     "60,000 training and 10,000 test images, 28×28 grey.",
    "kmnist": "Cursive Japanese (Kuzushiji) hiragana, 10 classes: 60,000 training and 10,000 "
              "test images, 28×28 grey.",
    "cifar-10": "Colour photos 32×32 (RGB) of 10 classes (airplane, automobile, bird, cat, "
                "deer, dog, frog, horse, ship, truck): 50,000 training and 10,000 test images.",
}
#: Datasets that system packages install, by name.
SYSTEM_DATASETS: dict[str, Path] = {"fashion-mnist": Path("/usr/share/datasets/fashion-mnist")}
BUNDLED = "mnist-5k"


@dataclass(frozen=True)
class DatasetInfo:
    """A dataset usable offline, as listed by :func:`available` (nothing loaded yet)."""

    name: str
    title: str
    source: str  # "bundled" | "system" | "cache" | "folder"
    path: Path
    description: str
    num_train: int | None
    num_test: int | None


@dataclass(frozen=True, eq=False)
class Dataset:
    """A loaded dataset: ``x_*`` uint8 ``(N, H, W)`` grey or ``(N, H, W, 3)`` colour, ``y_*`` int64
    ``(N,)`` (class indices).

    ``notes`` says what loading left out or decided (e.g. ignored non-image files).
    """

    name: str
    title: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def stratified_split(labels: np.ndarray, test_fraction: float = TEST_FRACTION,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Seeded shuffle, then the same fraction of every class into the test set.

    Parameters
    ----------
    labels : ndarray, shape (N,)
        Integer class of each item.
    test_fraction : float
        In (0, 1). Each class with at least 2 items gives ``round(n * test_fraction)`` of them,
        at least 1 and at most ``n - 1``; a class with one item stays in training.
    seed : int
        Same seed, same split.

    Returns
    -------
    train_index, test_index : ndarray of int64
        Disjoint indices covering ``range(N)``, each in shuffled order.
    """
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction!r:.40}")
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r:.40}")
    labels = np.asarray(labels) if isinstance(labels, (list, tuple, np.ndarray)) else None
    if labels is None or labels.ndim != 1 or (labels.size and labels.dtype.kind not in "iu"):
        raise ValueError("labels must be a list of whole-number classes, one per item")
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(labels))
    test_parts = []
    for cls in np.unique(labels):
        members = order[labels[order] == cls]
        test_parts.append(members[:_held_out(len(members), test_fraction)])
    test = np.concatenate(test_parts) if test_parts else np.empty(0, dtype=np.int64)
    in_test = np.zeros(len(labels), dtype=bool)
    in_test[test] = True
    # Taking each class's first members leaves the remaining order biased; shuffle both again.
    train = rng.permutation(np.flatnonzero(~in_test))
    return train.astype(np.int64), rng.permutation(np.flatnonzero(in_test)).astype(np.int64)


def _held_out(n: int, test_fraction: float) -> int:
    """How many of a class of ``n`` items :func:`stratified_split` puts in the test set."""
    return min(max(int(n * test_fraction + 0.5), 1), n - 1)


def _split_counts(class_sizes) -> tuple[int, int]:
    """(num_train, num_test) that :func:`stratified_split` gives for these class sizes."""
    test = sum(_held_out(int(n), TEST_FRACTION) for n in class_sizes if n)
    return int(sum(class_sizes)) - test, test


def _idx_counts(folder: Path) -> tuple[int | None, int | None]:
    """(num_train, num_test) of an IDX folder, from headers (or the labels of a single set)."""
    try:
        roles = find_idx_files(folder)
        if ("all", "labels") in roles:
            return _split_counts(np.bincount(read_labels(roles[("all", "labels")])))
        train = read_idx_header(roles[("train", "labels")])[1][0]
        test_file = roles.get(("test", "labels"))
        if test_file is None:
            return _split_counts(np.bincount(read_labels(roles[("train", "labels")])))
        return train, read_idx_header(test_file)[1][0]
    except (ValueError, KeyError, OSError):
        return None, None  # listed anyway: load() then reports what is wrong


def _image_counts(folder: Path) -> tuple[int | None, int | None]:
    """(num_train, num_test) of an image folder from its file names alone."""
    train, test = image_class_sizes(folder)
    return (sum(train), sum(test)) if test is not None else _split_counts(train)


def _bundled_info() -> DatasetInfo:
    folder = resource_path(BUNDLED)
    return DatasetInfo(BUNDLED, TITLES[BUNDLED], "bundled", folder, DESCRIPTIONS[BUNDLED],
                       *_idx_counts(folder))


def describe(path: str | os.PathLike) -> DatasetInfo:
    """What a folder the user picked holds (source ``"folder"``), without loading its images.

    Raises
    ------
    ValueError
        If the folder does not exist or holds neither IDX files nor class subfolders of images.
    """
    folder = _checked_folder(path)
    if find_idx_files(folder):
        kind, counts = "IDX files", _idx_counts(folder)
    elif is_image_folder(folder):
        kind, counts = ("images in one subfolder per class (resized to 28×28, in colour when "
                        "they are colour)"), _image_counts(folder)
    else:
        raise ValueError(_NOT_A_DATASET.format(folder=folder))
    return DatasetInfo(folder.name, folder.name, "folder", folder, f"A folder of {kind}: {folder}",
                       *counts)


def _system_complete(name: str) -> bool:
    folder = SYSTEM_DATASETS.get(name)
    return folder is not None and folder.is_dir() and all(
        (folder / f.name).is_file() for f in DOWNLOADS[name].files)


def available(*, cache_dir: str | os.PathLike | None = None) -> list[DatasetInfo]:
    """Datasets that can be loaded without a network: bundled, system-installed, downloaded.

    A dataset both installed by the system and downloaded is listed once, from the system.
    """
    infos = [_bundled_info()]
    for name, folder in SYSTEM_DATASETS.items():
        if _system_complete(name):
            infos.append(DatasetInfo(name, TITLES[name], "system", folder, DESCRIPTIONS[name],
                                     *_idx_counts(folder)))
    listed = {info.name for info in infos}
    for name in (*DOWNLOADS, *COLOUR_DOWNLOADS):
        if name not in listed and is_complete(name, cache_dir):
            folder = dataset_dir(name, cache_dir)
            infos.append(DatasetInfo(name, TITLES[name], "cache", folder, DESCRIPTIONS[name],
                                     *_idx_counts(folder)))
    return infos


def _known_folder(name: str, cache: str | os.PathLike | None) -> Path:
    """Folder of a named dataset; ValueError saying how to get it if it is not here."""
    if name == BUNDLED:
        return resource_path(BUNDLED)
    if _system_complete(name):
        return SYSTEM_DATASETS[name]
    if is_complete(name, cache):
        return dataset_dir(name, cache)
    hint = (" or install the Debian package dataset-fashion-mnist" if name == "fashion-mnist"
            else "")
    raise ValueError(f"{TITLES[name]} is not on this computer yet: download it first "
                     f"(cnn_explorer.data.catalog.download({name!r})){hint}")


def _finish(name: str, title: str, data: FolderData, default_names: tuple[str, ...] | None,
            seed: int, where: Path) -> Dataset:
    """Split if needed, check labels against class names, build the Dataset."""
    notes = list(data.notes)
    x_train, y_train, x_test, y_test = data.x_train, data.y_train, data.x_test, data.y_test
    if x_test is None:
        train, test = stratified_split(y_train, TEST_FRACTION, seed)
        x_train, y_train, x_test, y_test = x_train[train], y_train[train], x_train[test], \
            y_train[test]
        notes.append(f"no separate test set: {len(test):,} of {len(train) + len(test):,} images "
                     f"({TEST_FRACTION:.0%} of each class, seed {seed}) are held out for testing")
    num_classes = int(max(y_train.max(initial=0), y_test.max(initial=0))) + 1
    class_names = data.class_names or default_names or tuple(str(i) for i in range(num_classes))
    if num_classes > len(class_names):
        raise ValueError(f"{where}: labels go up to {num_classes - 1} but only "
                         f"{len(class_names)} class names are known")
    counts = np.bincount(np.concatenate([y_train, y_test]), minlength=len(class_names))
    if np.count_nonzero(counts) < 2:   # image folders refuse this too; training "learned" 100%
        raise ValueError(f"{where}: every image has the label {int(np.argmax(counts))}; a "
                         "classifier needs images of at least 2 classes (a damaged labels file?)")
    empty = np.flatnonzero(counts == 0)
    if empty.size:      # one damaged label (200 among digits) would add 190 empty classes
        notes.append(f"{_count(empty.size, 'class')} of {len(class_names)} "
                     f"{'has' if empty.size == 1 else 'have'} no images ({_listing(empty)}): "
                     "a damaged labels file, or labels that skip numbers")
    return Dataset(name, title, x_train, y_train, x_test, y_test, tuple(class_names), tuple(notes))


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "es" if noun.endswith("s") else "s")


def _listing(labels: np.ndarray) -> str:
    """``"label 3"``, ``"labels 3, 5"``, ``"labels 10 to 199"`` (a run) or the first few and …"""
    if labels.size == 1:
        return f"label {labels[0]}"
    if labels[-1] - labels[0] + 1 == labels.size:
        return f"labels {labels[0]} to {labels[-1]}"
    shown = ", ".join(str(v) for v in labels[:5])
    return f"labels {shown}" + (", …" if labels.size > 5 else "")


_NOT_A_DATASET = ("{folder} holds no dataset this app can read: expected IDX files "
                  "(train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, ...) or one "
                  "subfolder per class holding images (PNG, JPEG, ...)")


def _checked_folder(path: str | os.PathLike) -> Path:
    folder = Path(path).expanduser()
    if not folder.exists():
        raise ValueError(f"{str(path)!r} is neither a known dataset ({', '.join(TITLES)}) nor an "
                         f"existing folder")
    if not folder.is_dir():
        raise ValueError(f"{folder} is a file; choose the folder that holds the dataset")
    return folder


def _cifar(folder: Path, grey: bool) -> FolderData:
    x_train, y_train, x_test, y_test, names = cifar.read_archive(folder / cifar.ARCHIVE)
    if grey:
        x_train, x_test = luminance(x_train), luminance(x_test)
    return FolderData(x_train, y_train, x_test, y_test, names)


def luminance(images: np.ndarray) -> np.ndarray:
    """uint8 RGB images ``(..., 3)`` as grey ``(...)``: ITU-R 601 luma, rounded as Pillow's
    ``convert("L")`` rounds it, so a folder's images and CIFAR-10's become grey alike."""
    weights = np.array([19595, 38470, 7471], dtype=np.uint32)      # 0.299, 0.587, 0.114 · 2**16
    return ((images.astype(np.uint32) @ weights + (1 << 15)) >> 16).astype(np.uint8)


def load(name_or_path: str | os.PathLike, *, seed: int = 0,
         cache_dir: str | os.PathLike | None = None, grey: bool = False) -> Dataset:
    """Load a dataset by name (see :func:`available`) or from a folder.

    Parameters
    ----------
    name_or_path : str or path-like
        ``"mnist-5k"``, ``"fashion-mnist"``, ``"mnist"``, ``"kmnist"``, ``"cifar-10"``, or a
        folder of IDX files or of class subfolders with images (resized to 28×28; colour kept
        when the images are colour).
    seed : int
        Seeds the train/test split of single-set data (mnist-5k, folders without a test set).
    cache_dir : path-like, optional
        Cache root where downloads are looked for (default :func:`cache_dir`).
    grey : bool
        Make colour images grey (``(N, H, W)``, the luminance ``0.299 R + 0.587 G + 0.114 B``
        as image viewers compute it): a colour image folder or CIFAR-10. Grey data is unchanged.

    Returns
    -------
    Dataset
        ``x_train``/``x_test`` uint8 ``(N, H, W)`` (grey) or ``(N, H, W, 3)`` (colour: image
        folders of colour images, CIFAR-10), ``y_train``/``y_test`` int64 ``(N,)``.

    Raises
    ------
    ValueError
        Unknown name, dataset not downloaded, unrecognised folder, or a damaged file (the
        message names it).
    """
    key = str(name_or_path)
    if isinstance(name_or_path, str) and key in TITLES:
        folder = _known_folder(key, cache_dir)
        data = _cifar(folder, grey) if key in COLOUR_DOWNLOADS else load_idx_folder(folder)
        return _finish(key, TITLES[key], data, CLASS_NAMES[key], seed, folder)
    folder = _checked_folder(name_or_path)
    if find_idx_files(folder):
        data = load_idx_folder(folder)
    elif is_image_folder(folder):
        data = load_image_folder(folder, grey=grey)
    else:
        raise ValueError(_NOT_A_DATASET.format(folder=folder))
    return _finish(folder.name, folder.name, data, None, seed, folder)
