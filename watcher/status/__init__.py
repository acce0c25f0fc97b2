"""Status extraction: the gazetteer, the cue rules, and the extractor that applies them."""

from watcher.status.extract import Extractor
from watcher.status.gazetteer import Gazetteer, get_gazetteer

__all__ = ["Extractor", "Gazetteer", "get_gazetteer"]
