"""The model page family."""
