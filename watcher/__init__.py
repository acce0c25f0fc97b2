"""watcher: follow sanctuary-jurisdiction status changes and email them to subscribers."""

__version__ = "0.1.0"
