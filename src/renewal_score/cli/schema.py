"""``renewal-score schema``: the JSON Schema of a model."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import Any

from renewal_score.cli import parents
from renewal_score.cli.pipeline import Output
from renewal_score.results import schema_models

FORMATS = ("json",)


HELP = "print a model's JSON Schema"


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
