"""A seeded corpus of 300 damaged IDX files (byte flips, truncations, header edits, gzip damage):
each is refused with a ValueError or read equal to the valid file."""

import gzip
import struct

import numpy as np
import pytest

from cnn_explorer.data.idx import read_idx, write_idx

CASES = 300


def _damage(good: bytes, gz: bool, rng) -> bytes:
    data = bytearray(good)
    how = rng.integers(5)
    if how == 0:                                         # flip 1-4 bytes anywhere
        for i in rng.integers(0, len(data), rng.integers(1, 5)):
            data[i] ^= int(rng.integers(1, 256))
    elif how == 1:                                       # truncate
        data = data[:int(rng.integers(0, len(data)))]
    elif how == 2:                                       # append
        data += rng.bytes(int(rng.integers(1, 64)))
    elif how == 3 and not gz:                            # edit the header
        field = int(rng.integers(0, 4))
        data[4 * field:4 * field + 4] = struct.pack(">I", int(rng.integers(0, 2 ** 32)))
    else:                                                # damage the gzip framing or body
        i = int(rng.integers(0, min(len(data), 20)))
        data[i] ^= 0xFF
    return bytes(data)


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    rng = np.random.default_rng(11)
    folder = tmp_path_factory.mktemp("idx-corpus")
    out = {}
    for gz in (False, True):
        path = folder / ("images.gz" if gz else "images")
        write_idx(path, rng.integers(0, 256, (3, 5, 4), dtype=np.uint8))
        out[gz] = (path.read_bytes(), read_idx(path))
    return folder, out


def test_damaged_idx_files_are_refused_or_read_whole(originals):
    folder, good = originals
    rng = np.random.default_rng(20261202)
    refused = 0
    for case in range(CASES):
        gz = bool(case % 2)
        content, expected = good[gz]
        path = folder / f"case{case}"
        path.write_bytes(_damage(content, gz, rng))
        try:
            array = read_idx(path)
        except ValueError as error:
            assert f"case{case}" in str(error)
            refused += 1
        else:                   # a flip inside the pixel data is a valid file of other pixels
            assert array.shape == expected.shape and array.dtype == expected.dtype
    assert refused > CASES // 2
