"""Quantitative indicators: goalposts, log transform, direction, composites; and a published
composite index (UNDP's Human Development Index) expressed through the plugin API alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from renewal_score.datafiles import DataPlugin
from renewal_score.errors import DataError
from renewal_score.models import Component
from renewal_score.scoring import normalised
from renewal_score.testing import StaticPlugin, agenda_of, run

HDI = DataPlugin(Path(__file__).parent / "data" / "hdi")
PUBLISHED_HDI = {"CHE": 0.962, "NOR": 0.961, "CAN": 0.936, "JPN": 0.925}
"""UNDP, Human Development Report 2021/2022, Statistical annex, Table 1 (data year 2021)."""


@pytest.mark.parametrize(("subject", "published"), sorted(PUBLISHED_HDI.items()))
def test_the_human_development_index_matches_its_published_values(
    subject: str, published: float
) -> None:
    card = run(HDI, as_of=dt.date(2022, 12, 31), subject=subject, criteria_aggregation="geometric")
    (hdi,) = card.priorities
    assert hdi.score is not None
    # The table prints the HDI to 3 decimals and schooling to 1, so allow a unit in the third.
    assert hdi.score / 100 == pytest.approx(published, abs=0.001)


def test_a_component_beyond_its_goalpost_is_capped() -> None:
    card = run(HDI, as_of=dt.date(2022, 12, 31), subject="NOR", criteria_aggregation="geometric")
    education = next(c for c in card.priorities[0].criteria if c.id == "hdi.education")
    # Expected schooling 18.2 years is capped at the 18-year goalpost: (1 + 13.0/15) / 2.
    assert education.score == pytest.approx(100 * (1 + 13.0 / 15) / 2, abs=1e-4)


def test_an_indicator_is_unrated_until_every_component_is_observed() -> None:
    card = run(HDI, as_of=dt.date(2020, 12, 31), subject="JPN", criteria_aggregation="geometric")
    assert card.priorities[0].score is None
    assert card.excluded.after_as_of == 4  # Japan's four observations are dated 2021
    assert card.excluded.other_subject == 12


GOALPOSTS = st.tuples(st.floats(0.01, 1e3), st.floats(1.0, 1e4)).map(lambda t: (t[0], t[0] + t[1]))


@given(
    GOALPOSTS,
    st.floats(-1e6, 1e6),
    st.sampled_from(["none", "log"]),
    st.sampled_from(["higher", "lower"]),
)
def test_normalised_values_stay_within_0_and_1(
    goalposts: tuple[float, float], value: float, transform: str, direction: str
) -> None:
    component = Component(goalposts=goalposts, transform=transform, direction=direction)
    if transform == "log" and value <= 0:
        value = goalposts[0]
    assert 0.0 <= normalised(component, value) <= 1.0


@given(GOALPOSTS, st.floats(0.01, 1e5), st.floats(0.01, 1e5))
def test_normalisation_is_monotone_in_the_direction_given(
    goalposts: tuple[float, float], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    higher = Component(goalposts=goalposts)
    lower = Component(goalposts=goalposts, direction="lower")
    assert normalised(higher, low) <= normalised(higher, high)
    assert normalised(lower, low) >= normalised(lower, high)


def test_goalposts_in_the_wrong_order_or_a_log_of_zero_are_rejected() -> None:
    with pytest.raises(ValueError, match="minimum < maximum"):
        Component(goalposts=(5, 1))
    with pytest.raises(ValueError, match="log transform needs goalposts above 0"):
        Component(goalposts=(0, 10), transform="log")


def test_observations_are_checked_against_their_criterion() -> None:
    plugin = StaticPlugin(
        subjects=[{"id": "S", "title": "S"}],
        priorities=[{"id": "p", "title": "P"}],
        criteria=[
            {
                "id": "p.m",
                "priority": "p",
                "title": "Measured",
                "indicator": {
                    "components": [{"id": "gdp", "goalposts": [1, 100], "transform": "log"}]
                },
            },
            {
                "id": "p.r",
                "priority": "p",
                "title": "Rubric",
                "rubric": [
                    {"id": "a", "label": "A", "description": "a"},
                    {"id": "b", "label": "B", "description": "b"},
                ],
            },
        ],
    )
    source = {"title": "Stats"}
    bad = StaticPlugin(
        observations=[
            {
                "id": "o1",
                "subject": "S",
                "criterion": "p.m",
                "component": "gpd",
                "date": "2020",
                "value": 3,
                "source": source,
                "grade": "A1",
            },
            {
                "id": "o2",
                "subject": "S",
                "criterion": "p.r",
                "date": "2020",
                "value": 3,
                "source": source,
                "grade": "A1",
            },
            {
                "id": "o3",
                "subject": "S",
                "criterion": "p.m",
                "component": "gdp",
                "date": "2020",
                "value": 0,
                "source": source,
                "grade": "A1",
            },
        ]
    )
    with pytest.raises(DataError) as caught:
        agenda_of(plugin, bad)
    messages = sorted(str(p) for p in caught.value.problems)
    assert any(
        "record o1: component: 'gpd' is not defined by the indicator of criterion 'p.m'; did you mean 'gdp'?"
        in m
        for m in messages
    ), messages
    assert any(
        "record o2: criterion: criterion 'p.r' has no indicator to measure" in m for m in messages
    ), messages
    assert any("record o3: value: 0.0 cannot be log-transformed" in m for m in messages), messages
