"""The built-in evidence is sourced, distinct and fresh: every record names its page,
publisher, publication date and grade; no two records share an id or a statement; records of
one event are about one subject and criterion; every file says when it was last reviewed; and
reports warn when the newest evidence counted is older than the threshold."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from renewal_score.datafiles import REVIEWED
from renewal_score.method import MethodSettings
from renewal_score.testing import agenda_of, run

CRITERIA = Path(__file__).parents[1] / "criteria" / "renewal_score_criteria"
EVIDENCE_FILES = sorted(CRITERIA.glob("*/evidence*.toml"))
BRIEF = "Canada-Japan relations within Canada's Indo-Pacific Strategy"


def records() -> list[dict[str, object]]:
    found = []
    for path in EVIDENCE_FILES:
        found += tomllib.loads(path.read_text(encoding="utf-8")).get("evidence", [])
    return found


def test_every_public_record_names_its_page_publisher_date_and_grade() -> None:
    public = [r for r in records() if r["source"]["title"] != BRIEF]  # type: ignore[index]
    assert len(public) >= 300
    for record in public:
        source = record["source"]
        assert isinstance(source, dict)
        assert str(source.get("url", "")).startswith(("http://", "https://")), record["id"]
        assert source.get("publisher"), record["id"]
        assert isinstance(source.get("date"), dt.date), record["id"]
        assert record.get("grade"), record["id"]


def test_ids_and_statements_are_unique() -> None:
    found = records()
    ids = Counter(r["id"] for r in found)
    statements = Counter(" ".join(str(r["statement"]).split()).casefold() for r in found)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [s for s, n in statements.items() if n > 1] == []


def test_events_of_several_records_keep_to_one_criterion() -> None:
    about: dict[str, set[tuple[str, str]]] = {}
    for record in records():
        if "event" in record:
            about.setdefault(str(record["event"]), set()).add(
                (str(record["subject"]), str(record["criterion"]))
            )
    shared = {event: found for event, found in about.items() if len(found) > 1}
    assert shared == {}
    assert sum(1 for r in records() if "event" in r) >= 100


def test_every_evidence_file_says_when_it_was_reviewed() -> None:
    for path in EVIDENCE_FILES:
        reviewed = tomllib.loads(path.read_text(encoding="utf-8")).get(REVIEWED)
        assert isinstance(reviewed, dt.date), path


def test_every_criterion_has_evidence_from_several_publishers() -> None:
    agenda = agenda_of(builtins=True)
    publishers: dict[str, set[str]] = {}
    for record in agenda.evidence:
        publishers.setdefault(record.criterion, set()).add(record.source.publisher)
    assert set(publishers) == set(agenda.criteria)
    assert all(len(found) >= 3 for found in publishers.values()), publishers
    assert len(set().union(*publishers.values())) >= 10


@pytest.mark.parametrize(("months", "warned"), [(6, False), (5, True)])
def test_stale_evidence_is_named_at_the_threshold(months: int, warned: bool) -> None:
    # The newest record is dated 2026-06-30; on 2027-01-15 it is six whole months old:
    # warned above a threshold of 5 months, not at 6.
    method = MethodSettings(stale_months=months, draws=100)
    card = run(builtins=True, as_of=dt.date(2027, 1, 15), method=method)
    assert card.manifest.newest_evidence == dt.date(2026, 6, 30)
    assert any(w.startswith("stale evidence") for w in card.warnings) is warned
