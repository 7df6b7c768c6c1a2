"""CIFAR-10's binary version: 60,000 colour images 32×32 in ten classes.

``cifar-10-binary.tar.gz`` holds ``cifar-10-batches-bin/data_batch_1.bin`` ... ``_5.bin`` (10,000
records each, the training set), ``test_batch.bin`` (10,000) and ``batches.meta.txt`` (the class
names, one a line). A record is 3,073 bytes: the label (0-9), then 1,024 red, 1,024 green and 1,024
blue values, each plane row by row. The archive is read as it is (nothing is extracted).
"""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

ARCHIVE = "cifar-10-binary.tar.gz"
FOLDER = "cifar-10-batches-bin"
SIDE, PLANES = 32, 3
RECORD = 1 + SIDE * SIDE * PLANES
TRAIN_BATCHES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_BATCH = "test_batch.bin"
CLASS_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
               "truck")


def decode_records(raw: bytes, where: str) -> tuple[np.ndarray, np.ndarray]:
    """Images ``(N, 32, 32, 3)`` uint8 and labels ``(N,)`` int64 from the bytes of one batch."""
    if len(raw) == 0 or len(raw) % RECORD:
        raise ValueError(f"{where} holds {len(raw):,} bytes, not a whole number of "
                         f"{RECORD:,}-byte CIFAR records: the file is damaged")
    records = np.frombuffer(raw, dtype=np.uint8).reshape(-1, RECORD)
    labels = records[:, 0].astype(np.int64)
    if labels.max() >= len(CLASS_NAMES):
        raise ValueError(f"{where} holds the label {labels.max()}; CIFAR-10 labels are 0 to 9")
    images = records[:, 1:].reshape(-1, PLANES, SIDE, SIDE).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def read_archive(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                            tuple[str, ...]]:
    """``(x_train, y_train, x_test, y_test, class_names)`` from ``cifar-10-binary.tar.gz``.

    Raises
    ------
    ValueError
        When the file is not a readable archive or lacks a batch, or a batch is damaged.
    """
    path = Path(path)
    try:
        with tarfile.open(path, "r:gz") as archive:
            def member(name):
                try:
                    handle = archive.extractfile(f"{FOLDER}/{name}")
                except KeyError:
                    handle = None
                if handle is None:
                    raise ValueError(f"{path.name} has no {FOLDER}/{name}: it is not the CIFAR-10 "
                                     "binary archive")
                return handle.read()
            train = [decode_records(member(n), n) for n in TRAIN_BATCHES]
            x_test, y_test = decode_records(member(TEST_BATCH), TEST_BATCH)
            try:
                names = tuple(line.strip() for line in member("batches.meta.txt").decode(
                    "utf-8", "replace").splitlines() if line.strip())
            except ValueError:
                names = ()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ValueError(f"{path} cannot be read as the CIFAR-10 archive ({exc})") from None
    x_train = np.concatenate([x for x, _ in train])
    y_train = np.concatenate([y for _, y in train])
    return x_train, y_train, x_test, y_test, names if len(names) == 10 else CLASS_NAMES
