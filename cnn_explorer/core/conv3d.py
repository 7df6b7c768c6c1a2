"""The step trace of :func:`cnn_explorer.core.ops.conv3d`, kernel cubes to try, and small test
volumes (a cube, a sphere, a ramp, random values).

The 2D trace is written for any number of axes; :func:`conv3d_plan` gives it the 3D entry point
with messages that speak of volumes.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from . import ops, steps

__all__ = ["conv3d_plan", "conv3d_steps", "KERNEL_PRESETS", "VOLUMES", "volume"]


def conv3d_plan(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
                flip=False) -> steps.ConvPlan:
    """Plan of :func:`cnn_explorer.core.ops.conv3d` with the same arguments: ``plan.step(n)`` is
    a ``ConvStep`` whose ``taps`` hold ``(depth, row, column)`` positions in the padded volume."""
    x, k = ops.volume_arguments(x, k)
    return steps._conv_plan(x, k, 3, stride=stride, padding=padding, pad_mode=pad_mode,
                            dilation=dilation, anchor=anchor, flip=flip)


def conv3d_steps(x, k, **kw) -> Iterator[steps.ConvStep]:
    """Records of every output element of ``ops.conv3d(x, k, **kw)`` in raster order."""
    return conv3d_plan(x, k, **kw).steps()


def _frozen(values) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    arr.setflags(write=False)
    return arr


def _laplacian() -> np.ndarray:
    k = np.zeros((3, 3, 3))
    k[1, 1, 1] = -6
    for axis in range(3):
        for end in (0, 2):
            index = [1, 1, 1]
            index[axis] = end
            k[tuple(index)] = 1
    return k


_IDENTITY = np.zeros((3, 3, 3))
_IDENTITY[1, 1, 1] = 1
_DEPTH_EDGE = np.zeros((3, 3, 3))
_DEPTH_EDGE[0], _DEPTH_EDGE[2] = -1 / 9, 1 / 9

#: 3×3×3 kernels (depth, rows, columns) with what they do to a volume.
KERNEL_PRESETS: dict[str, tuple[np.ndarray, str]] = {
    "box mean": (_frozen(np.full((3, 3, 3), 1 / 27)), "The mean of the 27 cells: a 3D blur."),
    "depth edge": (_frozen(_DEPTH_EDGE), "The slice behind minus the slice in front: where the "
                                         "volume changes along depth."),
    "Laplacian": (_frozen(_laplacian()), "Six face neighbours minus six times the centre: zero "
                                         "inside flat regions, strong on surfaces."),
    "identity": (_frozen(_IDENTITY), "Copies the centre cell: the output equals the input."),
}

VOLUMES = ("cube", "sphere", "ramp", "random")


def volume(name: str, size: int = 8, seed: int = 0) -> np.ndarray:
    """A small test volume ``(size, size, size)``: a cube or sphere of ones in zeros, a ramp
    along depth (0 to 1), or seeded random values (two decimals).

    Raises ``ValueError`` for an unknown name or a size outside 2-16.
    """
    if name not in VOLUMES:
        raise ValueError(f"unknown volume {name!r}: choose one of {', '.join(VOLUMES)}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 2 <= size <= 16:
        raise ValueError(f"a volume is 2 to 16 cells a side (got {size!r})")
    grid = np.indices((size,) * 3, dtype=float)
    if name == "cube":
        lo, hi = size // 4, size - size // 4
        inside = ((grid >= lo) & (grid < hi)).all(axis=0)
        return inside.astype(float)
    if name == "sphere":
        centre = (size - 1) / 2
        return (((grid - centre) ** 2).sum(axis=0) <= (size / 3) ** 2).astype(float)
    if name == "ramp":
        return grid[0] / (size - 1)
    return np.round(np.random.default_rng(seed).random((size,) * 3), 2)
