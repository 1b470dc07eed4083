"""Kept for scripts that import it: the wger importer lives in handouts/importers/wger.py."""

from .importers.wger import blocks, routine_fields, skip_reason, slug, to_yaml

__all__ = ["blocks", "routine_fields", "skip_reason", "slug", "to_yaml"]
