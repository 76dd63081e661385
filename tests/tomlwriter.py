"""A TOML writer for records of the evidence shape, for tests that need TOML data files."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from renewal_score.models import Evidence


def toml_string(text: str) -> str:
    """A TOML basic string: JSON escapes are TOML escapes (\\" \\\\ \\b \\t \\n \\f \\r \\uXXXX),
    and JSON leaves only DEL unescaped among the characters TOML forbids raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()  # a TOML local date, which tomllib reads as a date
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(value)


def to_toml(records: Sequence[dict[str, Any]]) -> str:
    """``[[evidence]]`` tables, nested records as ``[evidence.NAME]`` sub-tables."""
    lines = ["# Written by the tests."]
    for record in records:
        lines += ["", "[[evidence]]"]
        nested = {k: v for k, v in record.items() if isinstance(v, dict)}
        lines += [
            f"{key} = {toml_value(value)}"
            for key, value in record.items()
            if key not in nested and value is not None
        ]
        for name, table in nested.items():
            lines.append(f"[evidence.{name}]")
            lines += [f"{k} = {toml_value(v)}" for k, v in table.items() if v is not None]
    return "\n".join(lines) + "\n"


def toml_record(record: Evidence) -> dict[str, Any]:
    """A record as a TOML writer sees it: dates as TOML dates where they are whole days."""
    data = record.model_dump(mode="python")
    if record.date_precision == "day":
        data["date"] = dt.date.fromisoformat(record.date)
    return data
