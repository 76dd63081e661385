"""Evidence rows: the model's validation into dicts, Python validators once per value."""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import AfterValidator, BaseModel, model_validator

from renewal_score.evidence_rows import RowValidator, python_checked, typed_dict_of
from renewal_score.models import Evidence


def record(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "e1",
        "subject": "S",
        "criterion": "p.c",
        "date": "2024-02-29",
        "statement": "A thing.",
        "level": "signed",
        "kind": "concrete",
        "grade": "B2",
        "source": {"title": "A report", "date": "2024-03-01"},
    }
    return {**base, **changes}


def array(*records: dict[str, Any]) -> bytes:
    return json.dumps(list(records)).encode()


def test_rows_hold_the_models_values() -> None:
    records = [record(statement="  padded ", grade=" B2"), record(id="e2", source={"title": "t "})]
    rows = RowValidator().records(array(*records))
    assert rows is not None
    for row, given in zip(rows, records, strict=True):
        model = Evidence.model_validate_json(json.dumps(given)).model_dump()
        assert row == {name: model[name] for name in given} | {
            "source": {name: model["source"][name] for name in given["source"]}
        }
    assert (rows[0]["statement"], rows[0]["grade"], rows[1]["source"]) == (
        "padded",
        "B2",
        {"title": "t"},
    )


def test_a_date_that_does_not_exist_is_refused_in_every_chunk() -> None:
    validator = RowValidator()
    assert validator.records(array(record(), record(id="e2", date="2024-02"))) is not None
    assert validator.records(array(record(id="e3", date="2025-02-29"))) is None
    assert validator.records(array(record(id="e4"), record(id="e5", date="2025-02-29"))) is None
    assert validator.record(json.dumps(record(date="2025-02-29"))) is None
    assert validator.records(array(record(id="e6", date="2024-02"))) is not None


def test_a_model_validator_cannot_be_carried_over() -> None:
    class Checked(BaseModel):
        low: int

        @model_validator(mode="after")
        def _positive(self) -> Checked:
            return self

    with pytest.raises(TypeError, match="validators that a TypedDict would not run"):
        typed_dict_of(Checked)


def test_a_python_validator_on_a_number_cannot_be_checked_once_per_value() -> None:
    class Counted(BaseModel):
        count: Annotated[int, AfterValidator(abs)]

    with pytest.raises(TypeError, match="non-text field"):
        python_checked(Counted)
