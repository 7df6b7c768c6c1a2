"""CNN Explorer: see how a convolutional network works."""

__version__ = "0.1.0"
