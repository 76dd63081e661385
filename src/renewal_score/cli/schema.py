"""``renewal-score schema``: the JSON Schema of a model."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, create_model

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Output
from renewal_score.datafiles import MODELS
from renewal_score.method import MethodSettings
from renewal_score.models import (
    AgendaDefinition,
    Criterion,
    Evidence,
    Frozen,
    Observation,
    Priority,
    Subject,
)
from renewal_score.results import Scorecard
from renewal_score.weightsfile import WeightsFile

FORMATS = ("json",)


HELP = "print a model's JSON Schema"


DATA_FILE_FIELDS: dict[str, Any] = {
    table: (list[model], Field(default_factory=list))  # type: ignore[valid-type]
    for table, model in MODELS.items()
}
"""One optional array per table that data files may hold."""

DataFile = create_model(
    "DataFile",
    __base__=Frozen,
    __doc__="A data file (TOML, or JSON as an object): arrays of records of each kind, all "
    "optional; a JSON file may instead be an array of evidence records, a JSON Lines file "
    "holds one evidence record per line, a CSV file one per row.",
    reviewed=(str | None, Field(default=None, description="When the records were last checked.")),
    **DATA_FILE_FIELDS,
)


def schema_models() -> dict[str, type[BaseModel]]:
    """Models whose JSON Schema the command line prints, by name."""
    return {
        "agenda": AgendaDefinition,
        "subject": Subject,
        "priority": Priority,
        "criterion": Criterion,
        "evidence": Evidence,
        "observation": Observation,
        "data-file": DataFile,
        "weights": WeightsFile,
        "method": MethodSettings,
        "scorecard": Scorecard,
    }


def add_parser(commands: parents.Commands, shared: parents.ParentParsers) -> None:
    uses = [shared.output]
    parser = shared.command(commands, "schema", request_from, uses, HELP)
    parser.add_argument("model", choices=sorted(schema_models()))
    parents.add_format(parser, FORMATS)


def request_from(args: argparse.Namespace) -> SchemaRequest:
    return SchemaRequest(args.model, parents.output_from(args, FORMATS))


@dataclass(frozen=True)
class SchemaRequest:
    """The JSON Schema of one model."""

    model: str
    output: Output

    def prepare(self) -> None:
        """Nothing to load: the schema is the model's."""

    def compute(self, stage: None) -> dict[str, Any]:
        return schema_models()[self.model].model_json_schema()

    def render(self, result: dict[str, Any], width: int) -> str:
        return json.dumps(result, indent=2, sort_keys=True) + "\n"
