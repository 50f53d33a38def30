"""The package's version, in a module of its own so the control API can read it without importing the package."""

__version__ = "0.1.0"
