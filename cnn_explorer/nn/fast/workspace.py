"""Buffers the fast paths reuse from one batch to the next."""

import numpy as np


class Workspace:
    """Buffers reused from one batch to the next (one workspace per thread).

    Fresh large arrays cost page faults on every batch; a workspace hands back the same memory
    when the requested key, shape and dtype match.
    """

    def __init__(self):
        self._buffers = {}

    def empty(self, key, shape, dtype):
        """An uninitialised array for ``key`` (reused when shape and dtype match)."""
        buf = self._buffers.get(key)
        if buf is None or buf.shape != tuple(shape) or buf.dtype != dtype:
            buf = np.empty(shape, dtype=dtype)
            self._buffers[key] = buf
        return buf

    def zeros(self, key, shape, dtype):
        """Like :meth:`empty`, filled with zeros."""
        buf = self.empty(key, shape, dtype)
        buf.fill(0)
        return buf
