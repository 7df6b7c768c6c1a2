"""GUI tests: the shared helpers in this folder are importable from every sub-folder."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
