"""The built-in criteria modules: one folder per priority, each a plugin.

Each folder holds ``criteria.toml`` (the priority, its criteria and their rubrics),
``evidence.toml`` (subjects and evidence records) and an ``__init__.py`` that exposes
``plugin``, a ``renewal_score.datafiles.DataPlugin`` reading those two files.
"""
