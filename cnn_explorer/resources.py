"""Where the files in the top-level ``resources/`` folder live (Qt-free)."""

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file under ``resources/``, e.g. ``resource_path("mnist-5k")``."""
    return RESOURCES.joinpath(*parts)
