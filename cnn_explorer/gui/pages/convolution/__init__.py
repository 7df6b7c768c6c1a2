"""The convolution page family."""
