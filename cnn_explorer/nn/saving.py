"""One ``.npz`` file per model: architecture (JSON), weights, optimiser state and history.

Loading builds a complete new model and checks every part before returning it, so a corrupt,
truncated or foreign file raises ValueError and never yields a half-loaded model. Nothing is
unpickled (``allow_pickle=False``).
"""

import json
import math
import os
import struct
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from . import optim

FORMAT = "cnn-explorer-model/1"
HISTORY_KEYS = ("loss", "accuracy", "val_loss", "val_accuracy")


def _text(value):
    return np.array(json.dumps(value))


def save_model(model, path):
    """Write ``model`` to ``path`` (atomically: a crash never leaves a half-written file)."""
    path = Path(path)
    arrays = {"format": np.array(FORMAT), "architecture": _text(model.get_config()),
              "history": _text(model.history)}
    for i, w in enumerate(model.weight_arrays()):
        arrays[f"weight_{i:03d}"] = w
    if model.optimizer is not None:
        info, state = model.optimizer.get_state()
        arrays["optimizer"] = _text({"config": model.optimizer.get_config(), "state": info})
        for i, a in enumerate(state):
            arrays[f"optimizer_{i:03d}"] = a
    if not path.parent.is_dir():  # mkstemp's error would name its temporary file, not the folder
        raise ValueError(f"cannot save {path}: the folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


#: Most bytes a model file's arrays may hold once decompressed (a layer holds at most 64,000,000
#: weights; the guide's model is 0.3 MB): a crafted header cannot make loading allocate more.
MAX_FILE_BYTES = 2 << 30


def _json(arrays, key, path):
    if key not in arrays:
        raise ValueError(f"{path} is not a CNN Explorer model file: it has no {key!r} record")
    record = arrays[key]
    if record.shape != () or record.dtype.kind != "U":
        raise ValueError(f"{path}: the {key!r} record is damaged (not a text)")
    try:
        return json.loads(str(record[()]))
    except (json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: the {key!r} record is damaged ({exc})") from None


def _numbered(arrays, prefix):
    return [arrays[k] for k in sorted(k for k in arrays if k.startswith(prefix))]


def _read_arrays(path):
    """Every array of the ``.npz`` at ``path`` by name, each checked against the size its zip
    entry declares before anything is allocated (np.load trusts the array headers)."""
    arrays, total = {}, 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                raise ValueError(f"it holds {info.filename!r}, which is not an array")
            total += info.file_size
            if total > MAX_FILE_BYTES:
                raise ValueError(f"its arrays hold more than {MAX_FILE_BYTES:,} bytes")
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) \
                    else np.lib.format.read_array_header_2_0
                shape, _, dtype = read_header(member)
                if dtype.hasobject:
                    raise ValueError(f"{info.filename} holds Python objects")
                need = math.prod(shape) * dtype.itemsize
                if need > info.file_size:
                    raise ValueError(f"{info.filename} announces {need:,} bytes in an entry of "
                                     f"{info.file_size:,}")
            with archive.open(info) as member:
                arrays[info.filename[:-4]] = np.lib.format.read_array(member, allow_pickle=False)
    return arrays


def load_model(path):
    """Read a model written by :func:`save_model`.

    Raises
    ------
    ValueError
        The file is missing parts, truncated, corrupt, or not a CNN Explorer model; nothing is
        half-loaded.
    """
    from .model import Sequential

    with open(path, "rb") as f:  # FileNotFoundError/PermissionError reach the caller as they are
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        # np.load would talk about pickles here, which means nothing to a student
        raise ValueError(f"{path} is not a CNN Explorer model file (not an .npz archive)")
    try:
        arrays = _read_arrays(path)
    except FileNotFoundError:
        raise
    # NotImplementedError: a compression method bit flipped; struct.error and the others: headers
    # that parse to nonsense (zipfile and NumPy raise what their parsing hits)
    except (OSError, EOFError, zipfile.BadZipFile, KeyError, NotImplementedError, struct.error,
            ValueError, TypeError, SyntaxError, OverflowError, MemoryError, zlib.error) as exc:
        raise ValueError(f"{path} is not a readable model file ({exc})") from None
    if "format" not in arrays or arrays["format"].shape != () \
            or str(arrays["format"][()]) != FORMAT:
        raise ValueError(f"{path} is not a CNN Explorer model file (no '{FORMAT}' tag)")
    architecture = _json(arrays, "architecture", path)
    history = _json(arrays, "history", path)
    weights = _numbered(arrays, "weight_")
    opt_record = _json(arrays, "optimizer", path) if "optimizer" in arrays else None
    opt_arrays = _numbered(arrays, "optimizer_")

    try:
        model = Sequential.from_config(architecture)
        model.set_weights(weights)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    own = model.weight_arrays()
    for layer_weight in own:
        if not np.all(np.isfinite(layer_weight)):
            raise ValueError(f"{path}: the weights contain NaN or infinite values (a diverged or "
                             "damaged model); it was not loaded")
    model.history = _history(history, path)
    if opt_record is not None:
        model.optimizer = _optimizer(opt_record, opt_arrays, own, path)
    return model


def _history(history, path):
    """The saved history as lists of floats (or None: epochs without validation)."""
    if not isinstance(history, dict) or not all(
            isinstance(history.get(k), list) for k in HISTORY_KEYS):
        raise ValueError(f"{path}: the training history is damaged")
    lengths = {len(history[k]) for k in HISTORY_KEYS}
    values = [v for k in HISTORY_KEYS for v in history[k]]
    if len(lengths) != 1 or not all(
            v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
        raise ValueError(f"{path}: the training history is damaged (not lists of numbers of one "
                         "length)")
    return {k: [None if v is None else float(v) for v in history[k]] for k in HISTORY_KEYS}


def _optimizer(record, arrays, weights, path):
    try:
        if not isinstance(record, dict) or not isinstance(record.get("config"), dict) \
                or not isinstance(record.get("state"), dict):
            raise TypeError("not a record")
        optimizer = optim.get(record["config"])
        optimizer.set_state(record["state"], arrays)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: the optimiser record is damaged ({exc})") from None
    for slot in optimizer.state.values():
        if [a.shape for a in slot] != [w.shape for w in weights] \
                or not all(np.isfinite(a).all() for a in slot):
            raise ValueError(f"{path}: the optimiser state does not match the weights")
    return optimizer
