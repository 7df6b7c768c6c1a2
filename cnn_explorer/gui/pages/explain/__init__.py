"""The Explain page: why the trained model chose a class, and what one of its filters looks for."""
