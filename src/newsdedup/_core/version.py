"""The package's version (``newsdedup.__version__``), here so that any module can name it."""

__version__ = "0.1.0"
