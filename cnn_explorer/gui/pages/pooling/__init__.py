"""The pooling page family."""
