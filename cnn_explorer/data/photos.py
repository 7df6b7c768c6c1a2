"""The colour photos bundled in ``resources/images/``, and reading any image file as RGB.

Pixels are uint8 ``(H, W, 3)``; a grey file gets three equal planes. Needs Pillow.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from cnn_explorer.resources import resource_path

#: Bundled photos by name: (file under resources/images, what it shows). Credits: resources/NOTICE.
BUNDLED_PHOTOS: dict[str, tuple[str, str]] = {
    "astronaut": ("astronaut.jpg", "Astronaut Eileen Collins (NASA), 512×512"),
    "chelsea": ("chelsea.jpg", "Chelsea the cat, 300×200"),
    "coffee": ("coffee.jpg", "A cup of coffee, 300×200"),
}
#: Most pixels a photo may have once read (a 20-megapixel camera image is refused before decoding).
MAX_PIXELS = 4096 * 4096


def photo_path(name: str) -> Path:
    """File of a bundled photo; ValueError naming the known ones."""
    if name not in BUNDLED_PHOTOS:
        raise ValueError(f"no bundled photo is called {name!r}; choose one of "
                         f"{', '.join(BUNDLED_PHOTOS)}")
    return resource_path("images", BUNDLED_PHOTOS[name][0])


def load_photo(source: str | os.PathLike, max_side: int | None = None) -> np.ndarray:
    """A bundled photo (by name) or any image file, as RGB uint8 ``(H, W, 3)``.

    Parameters
    ----------
    source : str or path-like
        A key of :data:`BUNDLED_PHOTOS` or the path of an image file (PNG, JPEG, ...).
    max_side : int, optional
        Shrink (keeping the proportions) so that neither side is longer; never enlarges.

    Raises
    ------
    ValueError
        Unknown name, a file that is missing or not an image, too many pixels, ``max_side`` < 1.
    """
    from PIL import Image, UnidentifiedImageError

    path = photo_path(source) if isinstance(source, str) and source in BUNDLED_PHOTOS \
        else Path(source)
    if max_side is not None and (not isinstance(max_side, int) or max_side < 1):
        raise ValueError(f"max_side must be a whole number of at least 1 (got {max_side!r})")
    try:
        with Image.open(path) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValueError(f"{path.name} has {image.width}×{image.height} pixels, more than "
                                 f"the {MAX_PIXELS:,} this app reads; shrink it first")
            image.load()
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
            rgb = image.convert("RGB")
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist") from None
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValueError(f"{path} cannot be read as an image ({exc})") from None
    if max_side is not None and max(rgb.size) > max_side:
        scale = max_side / max(rgb.size)
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    return np.asarray(rgb, dtype=np.uint8)
