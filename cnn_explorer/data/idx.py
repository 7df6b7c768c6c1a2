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


#: Most bytes of data an IDX file may announce (the 60,000 MNIST training images are 47 MB): a
#: 1.5 MB gzip file can inflate to 1.5 GiB, so the header is read first and checked against it.
MAX_IDX_BYTES = 1 << 30
#: Extra bytes after the data counted for the message before giving up counting.
_COUNT_EXTRA = 1 << 24


def _open(path: Path):
    """A binary stream of the file's IDX content (decompressing gzip); ValueError naming the file."""
    try:
        raw = open(path, "rb")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not an IDX file") from None
    except OSError as exc:
        raise ValueError(f"{path} cannot be read ({exc.strerror or exc})") from None
    if raw.read(2) != _GZIP_MAGIC:
        raw.seek(0)
        return raw
    raw.seek(0)
    return gzip.GzipFile(fileobj=raw, mode="rb")


def _read(path: Path, stream, count: int) -> bytes:
    """Up to ``count`` bytes of ``stream``; gzip damage becomes a ValueError naming the file."""
    try:
        return stream.read(count)
    except EOFError:
        raise ValueError(f"{path} is a truncated gzip file (it ends before the compressed data "
                         f"does); download or copy it again") from None
    except (gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise ValueError(f"{path} is a damaged gzip file ({exc})") from None


def _header(path: Path, stream) -> tuple[np.dtype, tuple[int, ...], int]:
    """Element type, shape and byte count of the data, from the first bytes of ``stream``."""
    head = _read(path, stream, 4)
    if not head:
        gz = isinstance(stream, gzip.GzipFile)
        raise ValueError(f"{path} decompresses to nothing: it is not an IDX file" if gz else
                         f"{path} is empty (0 bytes): it is not an IDX file")
    if len(head) < 4:
        raise ValueError(f"{path} is only {len(head)} bytes long; an IDX header needs at least 4")
    zero, code, ndim = struct.unpack(">HBB", head)
    if zero != 0 or code not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: it starts with 0x{head.hex()}, "
                         f"but IDX files start with 0x0000 then a type code "
                         f"(08 for uint8 images/labels, e.g. 0x00000803 for MNIST images)")
    if ndim == 0:
        raise ValueError(f"{path}: the IDX header says the array has 0 dimensions")
    sizes = _read(path, stream, 4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(f"{path} is truncated inside its header: {ndim} dimensions need "
                         f"{4 + 4 * ndim} header bytes but the file has {4 + len(sizes)}")
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = IDX_DTYPES[code]
    return dtype, shape, math.prod(shape) * dtype.itemsize   # exact: no int64 wrap-around


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (raw or gzip-compressed) into a native-endian array.

    The header is read first; then exactly the bytes it announces (at most
    :data:`MAX_IDX_BYTES`), so a small file that inflates to gigabytes is refused unread.

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
        If the file is missing, empty, not IDX, damaged gzip, truncated, longer than its header
        says or announcing more than :data:`MAX_IDX_BYTES`; the message names the file.
    """
    path = Path(path)
    with _open(path) as stream:
        dtype, shape, expected = _header(path, stream)
        if expected > MAX_IDX_BYTES:
            raise ValueError(f"{path}: its header announces an array of shape {shape} "
                             f"({expected:,} bytes), more than the {MAX_IDX_BYTES:,} this app "
                             "reads; it is damaged or not a dataset for this app")
        data = _read(path, stream, expected)
        if len(data) < expected:
            raise ValueError(f"{path} is truncated: its header announces an array of shape "
                             f"{shape} ({expected:,} bytes of data) but only {len(data):,} "
                             "bytes follow")
        extra = 0
        while extra < _COUNT_EXTRA and (chunk := _read(path, stream, 1 << 20)):
            extra += len(chunk)
    if extra:
        more = f"{extra:,} byte{'s' * (extra > 1)}" if extra < _COUNT_EXTRA \
            else f"at least {extra:,} bytes"
        raise ValueError(f"{path} has {more} more than its header announces"
                         f" (shape {shape}): it is damaged or not an IDX file")
    return np.frombuffer(data, dtype=dtype).astype(dtype.newbyteorder("="),
                                                   copy=True).reshape(shape)


def read_idx_header(path: str | os.PathLike) -> tuple[np.dtype, tuple[int, ...]]:
    """Element type and shape of an IDX file, reading only its first bytes.

    Cheap enough to count the images of a 60,000-image file without loading it; the length of
    the data is not checked (``read_idx`` does that).
    """
    path = Path(path)
    with _open(path) as stream:
        dtype, shape, _ = _header(path, stream)
    return dtype, shape


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
