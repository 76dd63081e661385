"""Minerals and energy investment: from declarations to concrete infrastructure."""

from pathlib import Path

from renewal_score.datafiles import DataPlugin

plugin = DataPlugin(Path(__file__).parent)
