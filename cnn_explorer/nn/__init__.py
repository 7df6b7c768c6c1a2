"""nn package (Qt-free)."""
