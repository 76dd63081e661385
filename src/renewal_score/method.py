"""The constants of the scoring method, each with its reason, its source and its default.

Every number the method needs beyond the data lives here, in one frozen model that a run
carries, the scorecard prints and ``sensitivity`` varies. A TOML file (``--method FILE``)
overrides any of them; it is validated like every data file, with located errors.
docs/methodology.md §4 and §10 give the reasoning in full.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from renewal_score.errors import DataError, Problem
from renewal_score.models import Frozen, GradeText, Identifier

KENT_ESTIMATIVE = {
    "almost certain": 0.93,
    "probable": 0.75,
    "chances about even": 0.50,
    "probably not": 0.30,
    "almost certainly not": 0.07,
}
"""Sherman Kent's estimative words and the central probabilities he gave them (Kent 1964,
"Words of Estimative Probability", Studies in Intelligence 8(4)); each Admiralty grade word is
read as the nearest of them."""

DEFAULT_RELIABILITY = {
    "A": KENT_ESTIMATIVE["almost certain"],  # completely reliable
    "B": KENT_ESTIMATIVE["probable"],  # usually reliable
    "C": KENT_ESTIMATIVE["chances about even"],  # fairly reliable
    "D": KENT_ESTIMATIVE["probably not"],  # not usually reliable
    "E": KENT_ESTIMATIVE["almost certainly not"],  # unreliable
    "F": KENT_ESTIMATIVE["chances about even"],  # cannot be judged: no information either way
}
DEFAULT_CREDIBILITY = {
    "1": KENT_ESTIMATIVE["almost certain"],  # confirmed
    "2": KENT_ESTIMATIVE["probable"],  # probably true
    "3": KENT_ESTIMATIVE["chances about even"],  # possibly true
    "4": KENT_ESTIMATIVE["probably not"],  # doubtful
    "5": KENT_ESTIMATIVE["almost certainly not"],  # improbable
    "6": KENT_ESTIMATIVE["chances about even"],  # cannot be judged
}

Unrated = Literal["conservative", "available"]
RankBy = Literal["gap", "weighted-gap"]


class MethodSettings(Frozen):
    """The method's constants. The defaults are stated with their reasons in the field
    descriptions (and in docs/methodology.md); ``--method FILE`` overrides them."""

    reliability: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_RELIABILITY),
        description="Probability that a source of each Admiralty reliability letter is right "
        "on this occasion: the letter's words read as Kent's estimative probabilities "
        "(A almost certain 0.93, B probable 0.75, C about even 0.5, D probably not 0.3, "
        "E almost certainly not 0.07); F, cannot be judged, carries no information: 0.5.",
    )
    credibility: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_CREDIBILITY),
        description="Probability that information of each Admiralty credibility digit is "
        "true, read the same way (1 confirmed 0.93 ... 5 improbable 0.07; 6 cannot be judged "
        "0.5). A report holds with probability reliability x credibility.",
    )
    level_spacing: float = Field(
        default=1.0,
        gt=0,
        le=10,
        allow_inf_nan=False,
        description="Exponent g of the level scores 100 (k / (L - 1)) ** g. 1: rubric levels "
        "are written as equal steps (the rubrics' own design); below 1 early steps count "
        "more, above 1 late ones.",
    )
    status_bands: dict[str, float] = Field(
        default_factory=lambda: {"on track": 50.0, "signs of progress": 25.0},
        description="Lowest score of each status below 'achieved': the scores of the second "
        "and the third level of a five-level rubric, so that a status names the rung the "
        "priority's criteria stand on, on average.",
    )
    target: float | None = Field(
        default=None,
        ge=0,
        le=100,
        allow_inf_nan=False,
        description="A target for every priority, replacing the priorities' own (default: "
        "theirs; the built-in ones are 75, the first level that needs concrete evidence).",
    )
    likely: float = Field(
        default=0.66,
        gt=0.5,
        lt=1,
        description="The probability from which a reading is 'likely' (medium certainty) and a "
        "recommendation leads clearly: the IPCC's calibrated 'likely' (66-100 %, "
        "Mastrandrea et al. 2010).",
    )
    very_likely: float = Field(
        default=0.9,
        gt=0.5,
        lt=1,
        description="The probability from which a reading is 'very likely' (high certainty): "
        "the IPCC's calibrated 'very likely' (90-100 %).",
    )
    draws: int = Field(
        default=2000,
        ge=100,
        le=1_000_000,
        description="Monte Carlo draws for the intervals of priorities, the overall index and "
        "the recommendation: with 2000, a share near 0.5 has a standard error of 0.011.",
    )
    seed: int = Field(default=0, ge=0, description="Seed of those draws.")
    unrated: Unrated = Field(
        default="conservative",
        description="How a criterion without evidence counts: 'conservative', at the lowest "
        "level with the widest interval (missing evidence never lifts a score); "
        "'available', left out with the weights of the rest renormalised (available-case "
        "analysis), its absence shown by the coverage.",
    )
    min_coverage: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Share of an aggregate's criteria that must be rated for it to be scored; "
        "below it, 'cannot rate'. 0.5: an aggregate is reported only when most of what it "
        "aggregates rests on evidence.",
    )
    rank_by: RankBy = Field(
        default="gap",
        description="What ranks the priorities: 'gap' (points below target) or "
        "'weighted-gap' (priority weight x gap, as importance-performance analysis does).",
    )
    gather_grade: GradeText = Field(
        default="B1",
        description="The grade of the one more report 'what to gather next' imagines: a "
        "usually reliable source, confirmed information (q = 0.6975 by default).",
    )
    stale_months: int = Field(
        default=6,
        ge=0,
        le=1200,
        description="A report warns when the newest counted evidence is older than this many "
        "months before the as-of date: policy moves within a government's year.",
    )

    @field_validator("reliability")
    @classmethod
    def _reliability_letters(cls, table: dict[str, float]) -> dict[str, float]:
        return _probability_table(table, "ABCDEF")

    @field_validator("credibility")
    @classmethod
    def _credibility_digits(cls, table: dict[str, float]) -> dict[str, float]:
        return _probability_table(table, "123456")

    @field_validator("status_bands")
    @classmethod
    def _bands_known(cls, bands: dict[str, float]) -> dict[str, float]:
        if set(bands) != {"on track", "signs of progress"}:
            raise ValueError("needs exactly 'on track' and 'signs of progress'")
        if not all(math.isfinite(v) and 0 <= v <= 100 for v in bands.values()):
            raise ValueError("bands must be scores from 0 to 100")
        if bands["signs of progress"] > bands["on track"]:
            raise ValueError("'signs of progress' must not be above 'on track'")
        return {"on track": bands["on track"], "signs of progress": bands["signs of progress"]}

    @model_validator(mode="after")
    def _likelihoods_ordered(self) -> MethodSettings:
        if self.likely > self.very_likely:
            raise ValueError("'likely' must not be above 'very_likely'")
        return self

    def support(self, grade: str) -> float:
        """The probability that a report of this Admiralty grade holds."""
        return self.reliability[grade[0]] * self.credibility[grade[1]]

    def supports(self) -> dict[str, float]:
        """The probability of every grade, for loops over many records."""
        return {
            r + c: rw * cw
            for r, rw in self.reliability.items()
            for c, cw in self.credibility.items()
        }

    def certainty_label(self, probability: float) -> Literal["high", "medium", "low"]:
        """High when the reading is very likely right, medium when likely, else low."""
        if probability >= self.very_likely:
            return "high"
        return "medium" if probability >= self.likely else "low"


def _probability_table(table: dict[str, float], keys: str) -> dict[str, float]:
    if set(table) != set(keys):
        raise ValueError(f"needs exactly the keys {', '.join(keys)}")
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{key}: must be a number")
        if not 0 < value <= 1:
            raise ValueError(f"{key}: {value} is not a probability above 0")
    return {key: float(table[key]) for key in keys}


DEFAULT_METHOD = MethodSettings()


class ScoringContext(Frozen):
    """The settings of one scoring run that a criterion scorer needs."""

    as_of: dt.date
    subject: Identifier
    method: MethodSettings = DEFAULT_METHOD

    def support(self, grade: str) -> float:
        """The probability that a report of this Admiralty grade holds."""
        return self.method.support(grade)


def read_method(path: Path, base: MethodSettings = DEFAULT_METHOD) -> MethodSettings:
    """Method settings from a TOML file: any field of ``MethodSettings`` at the top level
    (``[reliability]`` and ``[credibility]`` tables complete, ``level_spacing = 1.2``, ...),
    the rest from ``base``. DataError lists every problem with its line."""
    from renewal_score.datafiles import line_of_key, read_text
    from renewal_score.toml_text import toml_document

    text = read_text(path)
    try:
        document = toml_document(text)
    except tomllib.TOMLDecodeError as error:
        raise DataError([Problem(file=str(path), message=f"invalid TOML: {error}")]) from None
    try:
        return MethodSettings.model_validate({**base.model_dump(), **document})
    except ValidationError as error:
        problems = []
        for detail in error.errors(include_url=False):
            where = [str(part) for part in detail["loc"]]
            field = ".".join(where) or "method"
            message = str(detail["msg"]).removeprefix("Value error, ")
            if detail["type"] == "extra_forbidden":
                message = f"unknown setting (known: {', '.join(MethodSettings.model_fields)})"
            line = line_of_key(text, where[0]) if where else None
            problems.append(Problem(file=str(path), line=line, field=field, message=message))
        raise DataError(problems) from None
