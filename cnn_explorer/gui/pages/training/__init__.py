"""The training page family."""
