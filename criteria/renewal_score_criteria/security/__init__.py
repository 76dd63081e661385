"""Security institutionalization: from ad hoc co-operation to a formal bilateral framework."""

from pathlib import Path

from renewal_score.datafiles import DataPlugin

plugin = DataPlugin(Path(__file__).parent)
