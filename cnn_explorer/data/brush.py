"""The soft round brush a digit is drawn with: Gaussian ink along the mouse's path, as on paper."""

import numpy as np

from cnn_explorer.core.validation import as_int

DAB_SPACING = 0.5   # pixels between two dabs of ink: a fast stroke leaves no gaps


class Brush:
    """A ``size``×``size`` float32 image in [0, 1] (black) that strokes ink onto.

    Every ``DAB_SPACING`` pixels along a stroke the brush adds a Gaussian blob of ink
    (``sigma`` pixels, cut at 3 sigma, ``strength`` at its centre); ink adds up to at most 1.
    Coordinates are canvas pixels: ``(0, 0)`` is the top-left corner, ``(size, size)`` the
    bottom-right one.
    """

    def __init__(self, size: int = 28, sigma: float = 0.9, strength: float = 0.55):
        self.size = as_int(size, "the canvas size")
        if not 1 <= self.size <= 1024:
            raise ValueError(f"the canvas size must be from 1 to 1024 pixels (got {self.size})")
        self.sigma, self.strength = float(sigma), float(strength)
        if not (self.sigma > 0 and 0 < self.strength <= 1):
            raise ValueError("the brush needs a width above 0 and a strength from above 0 to 1")
        self.image = np.zeros((self.size, self.size), dtype=np.float32)    # (size, size)
        self._centres = np.arange(self.size, dtype=np.float32) + 0.5
        self._last = None

    def lift(self) -> None:
        """End the stroke: the next ``stroke_to`` starts a new one instead of joining it."""
        self._last = None

    def stroke_to(self, x: float, y: float) -> None:
        """Ink from the stroke's last point to ``(x, y)`` (a single dab when a stroke starts)."""
        x0, y0 = self._last if self._last is not None else (x, y)
        steps = max(1, int(np.hypot(x - x0, y - y0) / DAB_SPACING))
        for t in np.linspace(0.0, 1.0, steps + 1)[1 if self._last is not None else 0:]:
            self._dab(x0 + t * (x - x0), y0 + t * (y - y0))
        self._last = (x, y)

    def stroke(self, points) -> None:
        """One whole stroke through ``points`` [(x, y), ...]."""
        self.lift()
        for x, y in points:
            self.stroke_to(float(x), float(y))
        self.lift()

    def _dab(self, x, y):
        gx, gy = (np.exp(-((self._centres - c) ** 2) / (2 * self.sigma ** 2)) for c in (x, y))
        gx[np.abs(self._centres - x) > 3 * self.sigma] = 0  # a brush with an edge: no ink far away
        gy[np.abs(self._centres - y) > 3 * self.sigma] = 0
        np.minimum(self.image + self.strength * np.outer(gy, gx), 1.0, out=self.image)
