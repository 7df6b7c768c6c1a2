"""Reusable Qt views."""
