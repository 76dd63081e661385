"""Evidence records validated as the model validates them, into dicts rather than models.

Reading a large JSON Lines file needs each record's fields, not a model per record (about
4 KB each). ``typed_dict_of`` makes from a model a TypedDict with the model's fields (the
same types, constraints and validators) and configuration, so that pydantic-core validates
JSON into it as into the model, giving the same values as plain dicts, in one call per
chunk of records. A validator written in Python (``Evidence.date``'s check that the date
exists) would be called once per record from Rust; ``RowValidator`` instead runs it once
per distinct value of its field, which gives the same verdict because such validators are
pure functions of the value.
"""

from __future__ import annotations

import functools
import operator
from typing import Annotated, Any, NotRequired

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    TypeAdapter,
    ValidationError,
    WrapValidator,
)
from typing_extensions import TypedDict

from renewal_score.models import Evidence

PYTHON_VALIDATORS = (AfterValidator, BeforeValidator, PlainValidator, WrapValidator)

Row = dict[str, Any]


def typed_dict_of(model: type[BaseModel], *, python_validators: bool = True) -> Any:
    """A TypedDict that pydantic validates as it validates the model: the model's fields
    (nested models as TypedDicts in turn) with their constraints and validators, and its
    configuration. Without ``python_validators``, the validators written in Python are left
    out (``python_checked`` gives them, field by field)."""
    decorators = model.__pydantic_decorators__
    if decorators.model_validators or decorators.field_validators or decorators.validators:
        raise TypeError(f"{model.__name__} has validators that a TypedDict would not run")
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation: Any = info.annotation
        nested = _model_of(annotation)
        if nested is not None:
            annotation = typed_dict_of(nested, python_validators=python_validators)
        metadata = [
            m for m in info.metadata if python_validators or not isinstance(m, PYTHON_VALIDATORS)
        ]
        if metadata:
            annotation = Annotated.__class_getitem__((annotation, *metadata))  # type: ignore[attr-defined]
        fields[name] = annotation if info.is_required() else NotRequired[annotation]
    row: Any = TypedDict(f"{model.__name__}Row", fields)  # type: ignore[misc]
    row.__pydantic_config__ = ConfigDict(**model.model_config)  # type: ignore[attr-defined]
    return row


def python_checked(model: type[BaseModel]) -> dict[str, TypeAdapter[Any]]:
    """The required text fields of the model that have validators written in Python, each
    with a validator of the whole field; TypeError for any other field with one (nested, or
    not text), which ``RowValidator`` could not check once per value."""
    found: dict[str, TypeAdapter[Any]] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested = _model_of(annotation)
        if nested is not None and python_checked(nested):
            raise TypeError(f"{model.__name__}.{name} holds fields with Python validators")
        if any(isinstance(m, PYTHON_VALIDATORS) for m in info.metadata):
            if annotation is not str or not info.is_required():
                raise TypeError(f"{model.__name__}.{name}: Python validators on a non-text field")
            whole = Annotated.__class_getitem__((str, *info.metadata))  # type: ignore[attr-defined]
            found[name] = TypeAdapter(whole, config=ConfigDict(**model.model_config))
    return found


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, if it holds one."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


@functools.cache
def _adapters() -> tuple[TypeAdapter[list[Row]], TypeAdapter[Row], dict[str, TypeAdapter[Any]]]:
    """Built on first use: only a run that reads JSON Lines needs them."""
    whole = typed_dict_of(Evidence)
    light = typed_dict_of(Evidence, python_validators=False)
    return TypeAdapter(list[light]), TypeAdapter(whole), python_checked(Evidence)  # type: ignore[valid-type]


class RowValidator:
    """Evidence records from JSON, validated as the ``Evidence`` model validates them."""

    def __init__(self) -> None:
        self._records, self._record, self._checked = _adapters()
        self._valid: dict[str, set[str]] = {name: set() for name in self._checked}
        """Per field with Python validators, the values that passed them."""

    def records(self, array: bytes) -> list[Row] | None:
        """The records of a JSON array, if all are valid; otherwise None."""
        try:
            rows = self._records.validate_json(array)
        except ValidationError:
            return None
        for name, adapter in self._checked.items():
            valid = self._valid[name]
            for value in set(map(operator.itemgetter(name), rows)).difference(valid):
                try:
                    if adapter.validate_python(value) != value:
                        return None
                except ValidationError:
                    return None
                valid.add(value)
        return rows

    def record(self, text: str) -> Row | None:
        """The record in the JSON text, if it is one valid record; otherwise None."""
        try:
            row: Row = self._record.validate_json(text)
        except ValidationError:
            return None
        return row
