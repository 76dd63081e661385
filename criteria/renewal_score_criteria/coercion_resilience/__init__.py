"""Coercion resilience: practical, synchronized resilience rather than rhetorical solidarity."""

from pathlib import Path

from renewal_score.datafiles import DataPlugin

plugin = DataPlugin(Path(__file__).parent)
