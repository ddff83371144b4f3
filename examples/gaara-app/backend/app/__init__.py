"""Notes API: a tiny JSON web service built on the standard library only."""

__version__ = "1.0.0"
