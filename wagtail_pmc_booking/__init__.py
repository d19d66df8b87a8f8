"""Meeting booking with Zoom for Wagtail."""

__version__ = "0.1.0"
