"""Regressions of the data loaders' contract: damaged or hostile files are refused with a
ValueError before they can allocate gigabytes."""

import gzip
import struct
import time

import numpy as np
import pytest

from cnn_explorer.data import catalog, samples
from cnn_explorer.data.idx import read_idx, read_idx_header, write_idx


def test_a_gzip_bomb_is_refused_without_inflating(tmp_path):
    # a valid header for 10,000 28×28 images, followed by far more zeros than it announces:
    # the whole file was decompressed (1.5 GiB from 1.5 MB) before its length was checked
    header = struct.pack(">HBBIII", 0, 8, 3, 10_000, 28, 28)
    path = tmp_path / "bomb-images-idx3-ubyte.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        out.write(header)
        zeros = bytes(1 << 20)
        for _ in range(300):                     # 300 MiB inflated, ~0.3 MB on disk
            out.write(zeros)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="at least 16,777,216 bytes more than its header"):
        read_idx(path)
    assert time.perf_counter() - start < 3       # reads 7.8 MB + 16 MB, not 300 MB


def test_a_header_announcing_gigabytes_is_refused_unread(tmp_path):
    path = tmp_path / "huge-images-idx3-ubyte"
    path.write_bytes(struct.pack(">HBBIII", 0, 8, 3, 2 ** 31, 28, 28))
    with pytest.raises(ValueError, match="more than the 1,073,741,824 this app reads"):
        read_idx(path)
    assert read_idx_header(path)[1] == (2 ** 31, 28, 28)


def _set(folder, labels):
    folder.mkdir()
    write_idx(folder / "images-idx3-ubyte", np.zeros((len(labels), 4, 4), np.uint8))
    write_idx(folder / "labels-idx1-ubyte", np.array(labels, np.int32))
    return folder


def test_a_label_of_2_to_the_31_is_refused_not_allocated(tmp_path):
    folder = _set(tmp_path / "set", [0, 1, 2 ** 31 - 1] * 4)
    with pytest.raises(ValueError, match="holds the label 2,147,483,647, but this app trains at "
                                         "most 1,000 classes"):
        catalog.load(folder)
    info = catalog.describe(folder)              # the counts are unknown, not gigabytes
    assert (info.num_train, info.num_test) == (None, None)


@pytest.mark.parametrize("call, message", [
    (lambda: catalog.stratified_split([0, 1], "0.1"), "test_fraction must be between"),
    (lambda: catalog.stratified_split([0, 1], 0.5, seed=None), "seed must be a whole number"),
    (lambda: catalog.stratified_split([0.5, 1.5], 0.5), "labels must be a list of whole"),
    (lambda: catalog.stratified_split(None, 0.5), "labels must be a list of whole"),
    (lambda: samples.resized_for(np.ones((4, 4)), (2.5, 2, 1)), "whole number"),
    (lambda: samples.resized_for(np.ones((4, 4)), (0, 2, 1)), "at least 1"),
    (lambda: samples.resized_for(np.ones((4, 4)), (10 ** 5, 10 ** 5, 1)), "at most 4,000,000"),
    (lambda: samples.resized_for([[np.nan]], (2, 2, 1)), "only finite numbers"),
])
def test_bad_arguments_are_value_errors(call, message):
    with pytest.raises(ValueError, match=message):
        call()
