"""Nara (나라): an open-source digital platform government."""

__version__ = "0.1.0"
