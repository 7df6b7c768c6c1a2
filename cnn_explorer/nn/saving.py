"""One ``.npz`` file per model: architecture (JSON), weights, optimiser state and history.

Loading builds a complete new model and checks every part before returning it, so a corrupt,
truncated or foreign file raises ValueError and never yields a half-loaded model. Nothing is
unpickled (``allow_pickle=False``).
"""

import json
import os
import tempfile
import zipfile
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


def _json(data, key, path):
    if key not in data:
        raise ValueError(f"{path} is not a CNN Explorer model file: it has no {key!r} record")
    try:
        return json.loads(str(data[key][()]))
    except (json.JSONDecodeError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: the {key!r} record is damaged ({exc})") from None


def _numbered(data, prefix):
    names = sorted(k for k in data.files if k.startswith(prefix))
    return [data[k] for k in names]


def load_model(path):
    """Read a model written by :func:`save_model`.

    Raises
    ------
    ValueError
        The file is missing parts, truncated, corrupt, or not a CNN Explorer model.
    """
    from .model import Sequential

    with open(path, "rb") as f:  # FileNotFoundError/PermissionError reach the caller as they are
        magic = f.read(4)
    if magic != b"PK\x03\x04":
        # np.load would talk about pickles here, which means nothing to a student
        raise ValueError(f"{path} is not a CNN Explorer model file (not an .npz archive)")
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError(f"{path} is not a CNN Explorer model file (a single array)")
        with loaded as data:
            if "format" not in data.files or str(data["format"][()]) != FORMAT:
                raise ValueError(f"{path} is not a CNN Explorer model file (no '{FORMAT}' tag)")
            architecture = _json(data, "architecture", path)
            history = _json(data, "history", path)
            weights = _numbered(data, "weight_")
            opt_record = _json(data, "optimizer", path) if "optimizer" in data.files else None
            opt_arrays = _numbered(data, "optimizer_")
    except FileNotFoundError:
        raise
    except (OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise ValueError(f"{path} is not a readable model file ({exc})") from None
    except ValueError as exc:
        if str(exc).startswith(str(path)):
            raise
        raise ValueError(f"{path} is not a readable model file ({exc})") from None

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
    if not isinstance(history, dict) or not all(
            isinstance(history.get(k), list) for k in HISTORY_KEYS):
        raise ValueError(f"{path}: the training history is damaged")
    model.history = {k: [None if v is None else float(v) for v in history[k]]
                     for k in HISTORY_KEYS}
    if opt_record is not None:
        try:
            optimizer = optim.get(opt_record["config"])
            optimizer.set_state(opt_record["state"], opt_arrays)
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: the optimiser record is damaged ({exc})") from None
        for slot in optimizer.state.values():
            if [a.shape for a in slot] != [w.shape for w in own]:
                raise ValueError(f"{path}: the optimiser state does not match the weights")
        model.optimizer = optimizer
    return model
