"""Reading a dataset from a folder the user picks: IDX files, or images in one folder per class.

An IDX folder holds ``train-images*``/``train-labels*`` files (and optionally ``t10k-*`` or
``test-*`` ones), or just one ``*images*`` and one ``*labels*`` file. An image folder holds one
subfolder per class (optionally inside ``train/`` and ``test/``); every image is resized to 28×28
and kept in colour (``(28, 28, 3)``) when any image of the folder is in colour, grey
(``(28, 28)``) otherwise or when grey is asked for. A file that cannot be read raises an error
naming it: nothing is skipped silently, and ignored non-image files are listed in the returned
notes.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from cnn_explorer.data.idx import read_idx

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp",
                            ".pgm", ".ppm", ".pbm"})
IMAGE_SIZE = 28
#: Most classes a dataset may have: a label of 2**31 - 1 made loading allocate gigabytes (one
#: count and one class name per possible label).
MAX_CLASSES = 1000
CLASS_NAMES_FILE = "classes.txt"
_IDX_EXPECTED = ("train-images-idx3-ubyte.gz and train-labels-idx1-ubyte.gz (optionally with "
                 "t10k-images/t10k-labels for a test set), or one file named *images* and one "
                 "named *labels*")


@dataclass
class FolderData:
    """Arrays read from a folder; ``x_test`` is None when the folder holds no separate test set."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None
    y_test: np.ndarray | None
    class_names: tuple[str, ...] | None
    notes: list[str] = field(default_factory=list)


def _visible_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and not p.name.endswith(".part"))


def _idx_role(name: str) -> tuple[str, str] | None:
    """(split, kind) of an IDX-looking file name, e.g. ("train", "images"); None otherwise."""
    lower = name.lower()
    kind = "images" if "image" in lower else "labels" if "label" in lower else None
    if kind is None or not re.search(r"idx|ubyte", lower):
        return None
    split = "test" if re.search(r"t10k|test", lower) else "train" if "train" in lower else "all"
    return split, kind


def find_idx_files(folder: Path, *, need_train: bool = True) -> dict[tuple[str, str], Path]:
    """The IDX files of a folder by (split, kind); empty if the folder holds none.

    ``split`` is "train", "test" or "all" (a single set), ``kind`` "images" or "labels".

    Raises
    ------
    ValueError
        When the naming is ambiguous (two train image files) or a file lacks its partner.
    """
    roles: dict[tuple[str, str], Path] = {}
    for path in _visible_files(folder):
        role = _idx_role(path.name)
        if role is None:
            continue
        if role in roles:
            raise ValueError(f"{folder} holds two {role[0]} {role[1]} files, {roles[role].name} "
                             f"and {path.name}; keep one dataset per folder")
        roles[role] = path
    for split in ("train", "test", "all"):
        kinds = {kind for s, kind in roles if s == split}
        if len(kinds) == 1:
            have, = kinds
            missing = "labels" if have == "images" else "images"
            raise ValueError(f"{folder}: found {roles[(split, have)].name} but no matching "
                             f"{split} {missing} file")
    if ("all", "images") in roles and ("train", "images") in roles:
        raise ValueError(f"{folder} mixes train files with {roles[('all', 'images')].name}; "
                         f"expected {_IDX_EXPECTED}")
    if need_train and ("test", "images") in roles and ("train", "images") not in roles:
        raise ValueError(f"{folder} holds only a test set ({roles[('test', 'images')].name}), "
                         f"nothing to train on; expected {_IDX_EXPECTED}. To evaluate on it, "
                         f"use cnn_explorer.data.catalog.read_split(folder, 'test')")
    return roles


def read_pair(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, H, W)`` uint8 and labels ``(N,)`` int64 from two IDX files, checked together."""
    images = read_idx(images_path)
    labels = read_labels(labels_path)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(f"{images_path} should hold uint8 images of shape (count, rows, "
                         f"columns), but holds {images.dtype} of shape {images.shape}")
    if len(images) != len(labels):
        raise ValueError(f"{images_path.name} holds {len(images):,} images but "
                         f"{labels_path.name} holds {len(labels):,} labels")
    if len(labels) == 0:
        raise ValueError(f"{images_path} holds no images (its header says the count is 0)")
    return images, labels


def read_labels(path: Path) -> np.ndarray:
    """Labels ``(N,)`` int64 from an IDX file, each in ``0 .. MAX_CLASSES - 1``."""
    labels = read_idx(path)
    if labels.ndim != 1 or labels.dtype.kind not in "iu":
        raise ValueError(f"{path} should hold one integer label per image, but holds "
                         f"{labels.dtype} of shape {labels.shape}")
    if labels.size and labels.min() < 0:
        raise ValueError(f"{path} holds a negative label ({labels.min()})")
    if labels.size and labels.max() >= MAX_CLASSES:
        raise ValueError(f"{path} holds the label {labels.max():,}, but this app trains at most "
                         f"{MAX_CLASSES:,} classes (labels 0 to {MAX_CLASSES - 1}): the file is "
                         "damaged or not a labels file")
    return labels.astype(np.int64)


def read_split(folder: str | Path, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, H, W)`` uint8 and labels ``(N,)`` int64 of one split of an IDX folder.

    For example the official MNIST test set: ``read_split("../shared/data/mnist-test")``.
    ``split`` is "train", "test" or "all" (a folder holding one unsplit set).
    """
    folder = Path(folder)
    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be 'train', 'test' or 'all', got {split!r}")
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    roles = find_idx_files(folder, need_train=False)
    if (split, "images") not in roles:
        found = ", ".join(sorted({s for s, _ in roles})) or "no IDX files"
        raise ValueError(f"{folder} holds no {split} set (found: {found})")
    return read_pair(roles[(split, "images")], roles[(split, "labels")])


def _class_names_file(folder: Path) -> tuple[str, ...] | None:
    path = folder / CLASS_NAMES_FILE
    if not path.is_file():
        return None
    names = tuple(line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(name for name in names if name)


def load_idx_folder(folder: Path) -> FolderData:
    """Read an IDX folder (see the module docstring for the naming); ValueError if it is none."""
    roles = find_idx_files(folder)
    if not roles:
        raise ValueError(f"{folder} holds no IDX dataset: expected {_IDX_EXPECTED}")
    split = "train" if ("train", "images") in roles else "all"
    x_train, y_train = read_pair(roles[(split, "images")], roles[(split, "labels")])
    x_test = y_test = None
    if ("test", "images") in roles:
        x_test, y_test = read_pair(roles[("test", "images")], roles[("test", "labels")])
        if x_test.shape[1:] != x_train.shape[1:]:
            raise ValueError(f"{folder}: train images are {x_train.shape[1]}×{x_train.shape[2]} "
                             f"but test images are {x_test.shape[1]}×{x_test.shape[2]}")
    return FolderData(x_train, y_train, x_test, y_test, _class_names_file(folder))


def _class_folders(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def _pictures(class_folder: Path) -> list[Path]:
    return [p for p in _visible_files(class_folder) if p.suffix.lower() in IMAGE_SUFFIXES]


def image_class_sizes(folder: Path) -> tuple[list[int], list[int] | None]:
    """Images per class, from file names alone, as :func:`load_image_folder` would read them:
    ``(train sizes, test sizes)``, test None when the folder is not split into train/ and test/."""
    split = {p.name.lower(): p for p in _class_folders(folder)}

    def sizes(root: Path) -> list[int]:
        return [len(_pictures(c)) for c in _class_folders(root)]
    if set(split) == {"train", "test"}:
        return sizes(split["train"]), sizes(split["test"])
    return sizes(folder), None


def is_image_folder(folder: Path) -> bool:
    """Whether ``folder`` has class subfolders (directly or under ``train/``) holding images."""
    candidates = _class_folders(folder)
    split = {p.name.lower(): p for p in candidates}
    if "train" in split:
        candidates = _class_folders(split["train"])
    return any(p.suffix.lower() in IMAGE_SUFFIXES for c in candidates for p in c.iterdir())


def _open_image(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    """One image as grey ``(28, 28)`` uint8, and as ``(28, 28, 3)`` RGB when it has colour (None
    when its red, green and blue agree); transparent parts are shown on white, as viewers do."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
            grey = image.convert("L")
            rgb = image.convert("RGB") if image.mode not in ("L", "1", "I", "F") else None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError,
            ValueError) as exc:
        raise ValueError(f"{path} cannot be read as an image ({exc}); fix or remove it") from None
    if grey.size != (IMAGE_SIZE, IMAGE_SIZE):
        grey = grey.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
    if rgb is not None:
        if rgb.size != (IMAGE_SIZE, IMAGE_SIZE):
            rgb = rgb.resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.LANCZOS)
        rgb = np.asarray(rgb, dtype=np.uint8)
        if (rgb == rgb[..., :1]).all():       # a grey picture saved as RGB (or a grey palette)
            rgb = None
    return np.asarray(grey, dtype=np.uint8), rgb


def _has_colour(opened: list[tuple[np.ndarray, np.ndarray | None]]) -> bool:
    return any(rgb is not None for _, rgb in opened)


def _stack(opened: list[tuple[np.ndarray, np.ndarray | None]], colour: bool) -> np.ndarray:
    """``(N, 28, 28, 3)`` with ``colour`` (grey images get three equal planes), else
    ``(N, 28, 28)`` grey."""
    if not colour:
        return np.stack([g for g, _ in opened])
    return np.stack([np.repeat(g[..., None], 3, axis=-1) if rgb is None else rgb
                     for g, rgb in opened])


def _read_class_tree(folder: Path, class_names: list[str] | None,
                     notes: list[str]) -> tuple[list, np.ndarray, list[str]]:
    """Images and labels of ``folder/<class>/<image>``; labels index ``class_names``."""
    classes = _class_folders(folder)
    if class_names is None:
        class_names = [c.name for c in classes]
    elif sorted(c.name for c in classes) != sorted(class_names):
        raise ValueError(f"{folder} has classes {[c.name for c in classes]} but train/ has "
                         f"{class_names}; both need the same class folders")
    images, labels, ignored = [], [], []
    for class_folder in classes:
        pictures = _pictures(class_folder)
        chosen = set(pictures)
        ignored += [p for p in _visible_files(class_folder) if p not in chosen]
        ignored += [p for p in class_folder.iterdir() if p.is_dir()]
        if not pictures:
            raise ValueError(f"class folder {class_folder} holds no images (looked for "
                             f"{', '.join(sorted(IMAGE_SUFFIXES))})")
        label = class_names.index(class_folder.name)
        for path in pictures:
            images.append(_open_image(path))
            labels.append(label)
    if ignored:
        shown = ", ".join(str(p.relative_to(folder)) for p in ignored[:3])
        more = f" and {len(ignored) - 3} more" if len(ignored) > 3 else ""
        notes.append(f"ignored {len(ignored)} entries that are not images: {shown}{more}")
    return images, np.array(labels, dtype=np.int64), class_names


def load_image_folder(folder: Path, *, grey: bool = False) -> FolderData:
    """Read one subfolder per class (or ``train/`` and ``test/`` each holding them).

    Every image is resized to 28×28 uint8: ``(28, 28, 3)`` RGB when any image of the folder has
    colour and ``grey`` is False, ``(28, 28)`` grey otherwise. Needs Pillow.
    """
    # Pillow is imported only here, so the rest of the data package works without it.
    if importlib.util.find_spec("PIL") is None:
        raise ValueError("reading a folder of images needs the Pillow package "
                         "(pip install pillow)")
    notes: list[str] = []
    split = {p.name.lower(): p for p in _class_folders(folder)}
    if set(split) == {"train", "test"}:
        train, y_train, names = _read_class_tree(split["train"], None, notes)
        test, y_test, _ = _read_class_tree(split["test"], names, notes)
        # train and test keep colour together, so both have one shape
        colour = not grey and _has_colour(train + test)
        x_train, x_test = _stack(train, colour), _stack(test, colour)
    else:
        train, y_train, names = _read_class_tree(folder, None, notes)
        x_train, x_test, y_test = _stack(train, not grey and _has_colour(train)), None, None
    if len(names) < 2:
        raise ValueError(f"{folder} has {len(names)} class folder(s); a classifier needs at "
                         f"least 2 (one subfolder per class, e.g. cats/ and dogs/)")
    return FolderData(x_train, y_train, x_test, y_test, tuple(names), notes)
