"""core package (Qt-free)."""
