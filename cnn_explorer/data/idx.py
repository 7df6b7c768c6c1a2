"""Reading and writing IDX files, the format MNIST and its cousins are distributed in.

An IDX file is a big-endian header followed by the raw array::

    bytes 0-1   zero
    byte  2     element type (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
                0x0E float64)
    byte  3     number of dimensions d
    then        d big-endian uint32 sizes, then the elements in C order

So MNIST images start with 0x00000803 (uint8, 3 dims: count, rows, columns) and labels with
0x00000801 (uint8, 1 dim: count). Files may be gzip-compressed; that is recognised from their
content, not their name, because a raw IDX file always starts with two zero bytes.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import tempfile
import zlib
from pathlib import Path

import numpy as np

#: IDX element-type code -> big-endian NumPy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"


def _file_bytes(path: Path) -> bytes:
    """The file's content, decompressed if it is gzip; ValueError naming the file otherwise."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not an IDX file") from None
    if not raw:
        raise ValueError(f"{path} is empty (0 bytes): it is not an IDX file")
    if raw[:2] != _GZIP_MAGIC:
        return raw
    try:
        data = gzip.decompress(raw)
    except EOFError:
        raise ValueError(f"{path} is a truncated gzip file (it ends before the compressed data "
                         f"does); download or copy it again") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise ValueError(f"{path} is a damaged gzip file ({exc})") from None
    if not data:
        raise ValueError(f"{path} decompresses to nothing: it is not an IDX file")
    return data


def _parse_header(path: Path, data: bytes) -> tuple[np.dtype, tuple[int, ...], int]:
    """Element type, shape and header length of IDX content, validated against its length."""
    if len(data) < 4:
        raise ValueError(f"{path} is only {len(data)} bytes long; an IDX header needs at least 4")
    zero, code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: it starts with 0x{data[:4].hex()}, "
                         f"but IDX files start with 0x0000 then a type code "
                         f"(08 for uint8 images/labels, e.g. 0x00000803 for MNIST images)")
    if ndim == 0:
        raise ValueError(f"{path}: the IDX header says the array has 0 dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(f"{path} is truncated inside its header: {ndim} dimensions need "
                         f"{header} header bytes but the file has {len(data)}")
    shape = struct.unpack(f">{ndim}I", data[4:header])
    dtype = IDX_DTYPES[code]
    expected = math.prod(shape) * dtype.itemsize  # exact: no int64 wrap-around on bad headers
    actual = len(data) - header
    if actual < expected:
        raise ValueError(f"{path} is truncated: its header announces an array of shape "
                         f"{shape} ({expected:,} bytes of data) but only {actual:,} bytes follow")
    if actual > expected:
        extra = actual - expected
        plural = "s" if extra > 1 else ""
        raise ValueError(f"{path} has {extra:,} byte{plural} more than its header announces"
                         f" (shape {shape}): it is damaged or not an IDX file")
    return dtype, shape, header


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip-compressed) into a native-endian array.

    Parameters
    ----------
    path : str or path-like
        The file, e.g. ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    ndarray
        Shape as in the header, e.g. ``(N, 28, 28)`` uint8 for images, ``(N,)`` uint8 for labels.

    Raises
    ------
    ValueError
        If the file is missing, empty, not IDX, damaged gzip, truncated or longer than its
        header says; the message names the file.
    """
    path = Path(path)
    data = _file_bytes(path)
    dtype, shape, header = _parse_header(path, data)
    count = math.prod(shape)
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=header)
    return flat.astype(dtype.newbyteorder("="), copy=True).reshape(shape)


def read_idx_header(path: str | os.PathLike) -> tuple[np.dtype, tuple[int, ...]]:
    """Element type and shape of an IDX file, reading only its first bytes.

    Cheap enough to count the images of a 60,000-image file without loading it; the length of
    the data is not checked (``read_idx`` does that).
    """
    path = Path(path)
    try:
        with open(path, "rb") as raw:
            start = raw.read(2)
        opener = gzip.open if start == _GZIP_MAGIC else open
        with opener(path, "rb") as stream:
            head = stream.read(4 + 4 * 255)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"{path} cannot be read as IDX ({exc})") from None
    if not head:
        raise ValueError(f"{path} is empty (0 bytes): it is not an IDX file")
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in IDX_DTYPES or head[3] == 0:
        raise ValueError(f"{path} is not an IDX file: it starts with 0x{head[:4].hex()}")
    ndim = head[3]
    if len(head) < 4 + 4 * ndim:
        raise ValueError(f"{path} is truncated inside its header")
    shape = struct.unpack(f">{ndim}I", head[4:4 + 4 * ndim])
    return IDX_DTYPES[head[2]], shape


def write_idx(path: str | os.PathLike, array: np.ndarray) -> None:
    """Write an array as an IDX file, gzip-compressed when the name ends in ``.gz``.

    The file is written to a temporary name and renamed into place, so a reader never sees a
    half-written file.

    Parameters
    ----------
    path : str or path-like
        Destination; ``.gz`` selects gzip compression.
    array : ndarray
        Any shape with 1 to 255 dimensions; dtype uint8, int8, int16, int32, float32 or float64.

    Raises
    ------
    ValueError
        For a dtype IDX cannot hold (e.g. int64: convert to int32 or uint8 first), a 0-d array,
        or a dimension of 2**32 or more.
    """
    path = Path(path)
    array = np.asarray(array)
    code = _CODES.get(array.dtype.newbyteorder("="))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}; use uint8, int8, int16, int32, "
                         f"float32 or float64 (e.g. labels.astype(np.uint8))")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"IDX needs an array with 1 to 255 dimensions, got {array.ndim}")
    if any(size >= 2**32 for size in array.shape):
        raise ValueError(f"IDX dimensions must be below 2**32, got shape {array.shape}")
    header = struct.pack(f">HBB{array.ndim}I", 0, code, array.ndim, *array.shape)
    body = np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    content = header + body
    if path.suffix == ".gz":
        content = gzip.compress(content, mtime=0)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
