"""IDX reading/writing: round trips, the real MNIST test set, and every kind of bad file."""

import gzip
import hashlib

import numpy as np
import pytest

from cnn_explorer.data.idx import read_idx, read_idx_header, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip(tmp_path, rng, dtype, suffix):
    array = (rng.standard_normal((5, 3, 4)) * 100).astype(dtype)
    path = tmp_path / f"a-idx3{suffix}"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    assert back.shape == (5, 3, 4)
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable
    assert read_idx_header(path) == (np.dtype(dtype).newbyteorder(">"), (5, 3, 4))
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_header_bytes_are_mnist_layout(tmp_path):
    images = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    write_idx(tmp_path / "images", images)
    write_idx(tmp_path / "labels", np.array([3, 7], dtype=np.uint8))
    raw = (tmp_path / "images").read_bytes()
    assert raw[:16] == bytes.fromhex("00000803 00000002 0000001c 0000001c")
    assert raw[16:] == images.tobytes()
    assert (tmp_path / "labels").read_bytes() == bytes.fromhex("00000801 00000002 0307")


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    labels = np.array([1, 2, 3], dtype=np.uint8)
    write_idx(tmp_path / "labels.gz", labels)
    renamed = tmp_path / "labels-without-suffix"
    renamed.write_bytes((tmp_path / "labels.gz").read_bytes())
    np.testing.assert_array_equal(read_idx(renamed), labels)


def test_official_mnist_test_set(shared_data):
    folder = shared_data / "mnist-test"
    image_file = folder / "t10k-images-idx3-ubyte.gz"
    assert hashlib.md5(image_file.read_bytes()).hexdigest() == "9fb629c4189551a2d022fa330f9573f3"
    images = read_idx(image_file)
    labels = read_idx(folder / "t10k-labels-idx1-ubyte.gz")
    assert images.shape == (10_000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10_000,) and labels.dtype == np.uint8
    assert images.max() == 255 and images.min() == 0
    # Well-known facts of the t10k set: first labels and class counts.
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def _bad(tmp_path, content, name="bad-idx3-ubyte"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _valid_bytes():
    return bytes.fromhex("00000803 00000002 00000002 00000002") + bytes(range(8))


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"\x00\x00", "only 2 bytes"),
    (bytes.fromhex("00000A03 00000001 00000001 00000001 00"), "not an IDX file"),   # bad type
    (bytes.fromhex("12340803 00000001 00000001 00000001 00"), "not an IDX file"),   # bad zeros
    (bytes.fromhex("00000800"), "0 dimensions"),
    (bytes.fromhex("00000803 00000002"), "truncated inside its header"),
    (_valid_bytes()[:-3], "truncated"),
    (bytes.fromhex("00000803 ffffffff ffffffff ffffffff 00"), "more than the 1,073,741,824"),
    (_valid_bytes() + b"\x00", "1 byte more"),
    (b"PK\x03\x04 this is a zip file", "not an IDX file"),
])
def test_bad_files_raise_clear_errors(tmp_path, content, message):
    path = _bad(tmp_path, content)
    with pytest.raises(ValueError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_random_bytes_are_rejected(tmp_path, rng):
    for i in range(20):
        content = rng.integers(0, 256, size=int(rng.integers(1, 300)), dtype=np.uint8).tobytes()
        path = _bad(tmp_path, content, f"random{i}")
        with pytest.raises(ValueError, match=f"random{i}"):
            read_idx(path)


def test_truncated_and_damaged_gzip(tmp_path):
    good = gzip.compress(_valid_bytes(), mtime=0)
    truncated = _bad(tmp_path, good[: len(good) // 2], "half.gz")
    with pytest.raises(ValueError, match="truncated gzip"):
        read_idx(truncated)
    damaged = bytearray(good)
    damaged[12] ^= 0xFF
    with pytest.raises(ValueError, match="damaged gzip|truncated|not an IDX"):
        read_idx(_bad(tmp_path, bytes(damaged), "damaged.gz"))
    # Valid gzip whose content is a truncated IDX file.
    with pytest.raises(ValueError, match="is truncated: its header announces"):
        read_idx(_bad(tmp_path, gzip.compress(_valid_bytes()[:-1]), "short.gz"))


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        read_idx(tmp_path / "nope")
    with pytest.raises(ValueError, match="is a folder"):
        read_idx(tmp_path)


@pytest.mark.parametrize("array, message", [
    (np.zeros(3, dtype=np.int64), "cannot store dtype int64"),
    (np.zeros(3, dtype=bool), "cannot store dtype bool"),
    (np.array(5, dtype=np.uint8), "1 to 255 dimensions"),
])
def test_write_rejects_what_idx_cannot_hold(tmp_path, array, message):
    with pytest.raises(ValueError, match=message):
        write_idx(tmp_path / "x", array)
    assert list(tmp_path.iterdir()) == []


def test_big_endian_input_is_written_correctly(tmp_path):
    array = np.array([1, 256, -2], dtype=">i4")
    write_idx(tmp_path / "x", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x"), [1, 256, -2])
