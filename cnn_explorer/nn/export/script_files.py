"""Writing a generated script and the ``.npz`` of weights it loads, side by side."""

from pathlib import Path

import numpy as np


def weights_file_for(script_path):
    """``model.py`` -> ``model_weights.npz`` (beside it)."""
    script_path = Path(script_path)
    return script_path.with_name(script_path.stem + "_weights.npz")


def write_script(script_path, text, weights):
    """Write ``text`` to ``script_path`` and ``weights`` ({name: array}) beside it.

    Returns ``(script path, weights path)``; ValueError (in words) if a file cannot be written.
    """
    script_path = Path(script_path)
    weights_path = weights_file_for(script_path)
    try:
        script_path.write_text(text, encoding="utf-8")
        np.savez(weights_path, **weights)
    except OSError as exc:
        raise ValueError(f"could not write {exc.filename}: {exc.strerror}") from None
    return script_path, weights_path


def shapes_text(arrays):
    """``kernel (3, 3, 1, 32), bias (32,)`` for a comment beside a layer."""
    return ", ".join(f"{name} {tuple(a.shape)}" for name, a in arrays.items()) or "no weights"
