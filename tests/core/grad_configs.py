"""Random convolution settings for the gradient tests: every padding kind and mode, stride,
dilation, anchor and flip, drawn from a seeded generator (only settings ``ops`` accepts)."""

import numpy as np

from cnn_explorer.core import ops
from cnn_explorer.core.padding import PAD_MODES

PADDING_KINDS = ("valid", "same", "full", "int", "explicit")


def _padding(kind, rng, ndim):
    if kind in ("valid", "same", "full"):
        return kind
    if kind == "int":
        return int(rng.integers(0, 3))
    return tuple(int(v) for v in rng.integers(0, 3, size=2 * ndim))


def random_configs(rng, count):
    """``count`` tuples ``(x, k, dout, keywords, padding kind)`` that ``ops.convNd`` accepts."""
    out, n = [], 0
    while len(out) < count:
        ndim = 1 + n % 2
        mode = PAD_MODES[n // 2 % len(PAD_MODES)]
        kind = PADDING_KINDS[n // 8 % len(PADDING_KINDS)]
        n += 1
        x = rng.normal(size=tuple(rng.integers(2, 8, size=ndim)))
        k = rng.normal(size=tuple(rng.integers(1, 4, size=ndim)))
        kw = dict(stride=tuple(int(s) for s in rng.integers(1, 4, size=ndim)),
                  dilation=tuple(int(d) for d in rng.integers(1, 3, size=ndim)),
                  padding=_padding(kind, rng, ndim), pad_mode=mode,
                  anchor=None if rng.random() < 0.3 else tuple(int(rng.integers(0, s))
                                                                for s in k.shape),
                  flip=bool(rng.random() < 0.5))
        conv = ops.conv1d if ndim == 1 else ops.conv2d
        try:
            y = conv(x, k, **kw)
        except ValueError:
            continue
        out.append((x, k, rng.normal(size=y.shape), kw, kind))
    return out
