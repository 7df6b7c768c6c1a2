"""A drawn digit made into the kind of image MNIST holds, so a network trained on MNIST reads it.

MNIST's digits were cropped to their ink, scaled (keeping their shape) to fit a 20×20 box, and
placed in a 28×28 image so that their centre of mass sits at the centre. A digit drawn across the
whole canvas, or in a corner, is nothing like that; the same steps applied to it are.
"""

import numpy as np
from scipy import ndimage

SIZE = 28
BOX = 20
INK = 0.05      # a pixel with less ink than this is paper (the soft brush leaves faint edges)


def as_mnist_digit(image):
    """``image`` (H, W) in [0, 1], white ink on black, preprocessed as MNIST's digits were.

    Parameters
    ----------
    image : array (H, W)
        Ink in [0, 1] (values outside are clipped).

    Returns
    -------
    ndarray (28, 28) float32 in [0, 1]
        The ink cropped to its bounding box, scaled so that its longer side is 20 pixels, and
        placed with its centre of mass at pixel (14, 14), as in MNIST; all zeros without ink.
    """
    image = np.asarray(image, dtype=np.float64)
    if image.ndim != 2 or image.size == 0:
        raise ValueError(f"a drawing is one grey image (H, W); got an array of shape {image.shape}")
    if not np.isfinite(image).all():
        raise ValueError("the drawing holds values that are not numbers")
    image = np.clip(image, 0.0, 1.0)
    out = np.zeros((SIZE, SIZE), np.float32)
    rows, cols = np.nonzero(image > INK)
    if rows.size == 0:
        return out
    ink = image[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    scale = BOX / max(ink.shape)
    digit = np.clip(ndimage.zoom(ink, scale, order=1, grid_mode=True, mode="grid-constant"),
                    0.0, 1.0)
    digit = digit[:BOX, :BOX]          # zoom may round a side to 21
    h, w = digit.shape
    top, left = (SIZE - h) // 2, (SIZE - w) // 2
    out[top:top + h, left:left + w] = digit
    cy, cx = ndimage.center_of_mass(out)
    shift = np.round([SIZE / 2 - cy, SIZE / 2 - cx]).astype(int)
    # a whole-pixel shift keeps the strokes as sharp as they were; the box never leaves the image
    shift = np.clip(shift, [-top, -left], [SIZE - top - h, SIZE - left - w])
    return np.roll(out, tuple(shift), axis=(0, 1))
