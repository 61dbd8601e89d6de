"""Newsstand: an open, self-hostable news platform."""

__version__ = "0.1.0"
