"""data package (Qt-free)."""
