"""Properties every scorecard must have, whatever the agenda and evidence."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from renewal_score.method import MethodSettings
from renewal_score.results import Scorecard
from renewal_score.testing import StaticPlugin, run
from strategies import SUBJECT, World, evidence_for, worlds

AS_OF = dt.date(2031, 1, 1)
FEW_DRAWS = MethodSettings(draws=200)
"""The properties hold at any number of draws; fewer keep the tests quick."""


def score_world(world: World, evidence: list | None = None) -> Scorecard:
    plugin = StaticPlugin(
        subjects=[SUBJECT],
        priorities=world.priorities,
        criteria=world.criteria,
        evidence=world.evidence if evidence is None else evidence,
    )
    return run(plugin, as_of=AS_OF, method=FEW_DRAWS)


def all_scores(card: Scorecard) -> list[float | None]:
    values = [card.overall.score, card.overall.concrete_score]
    for priority in card.priorities:
        values += [priority.score, priority.concrete_score]
        values += [c.score for c in priority.criteria] + [
            c.concrete_score for c in priority.criteria
        ]
    return values


@given(worlds())
def test_scores_stay_within_0_and_100(world: World) -> None:
    card = score_world(world)
    assert all(0 <= v <= 100 for v in all_scores(card) if v is not None)
    uncertainties = [card.overall.uncertainty]
    for priority in card.priorities:
        assert priority.gap is None or 0 <= priority.gap <= priority.target + 1e-4  # rounding
        uncertainties += [priority.uncertainty, *(c.uncertainty for c in priority.criteria)]
    for item in uncertainties:
        if item is not None:
            assert 0 <= item.low <= item.high <= 100
            assert 0 <= item.certainty <= 1


@given(worlds(), st.data())
def test_adding_concrete_supporting_evidence_never_lowers_a_criterion(
    world: World, data: st.DataObject
) -> None:
    criterion = data.draw(st.sampled_from(world.criteria))
    extra = data.draw(evidence_for(criterion, "added", concrete=True, effect="advance"))
    before = score_world(world)
    after = score_world(world, [*world.evidence, extra])

    def criterion_score(card: Scorecard) -> float:
        found = [c for p in card.priorities for c in p.criteria if c.id == criterion.id]
        return found[0].score if found[0].score is not None else -1.0

    assert criterion_score(after) >= criterion_score(before)


@given(worlds(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_record_order(world: World, random) -> None:
    shuffled = list(world.evidence)
    random.shuffle(shuffled)
    assert score_world(world, shuffled).model_dump_json() == score_world(world).model_dump_json()


@given(worlds(), st.floats(0.01, 1000, allow_nan=False))
def test_multiplying_all_weights_by_a_constant_changes_no_score(
    world: World, factor: float
) -> None:
    scaled = World(
        [p.model_copy(update={"weight": p.weight * factor}) for p in world.priorities],
        [c.model_copy(update={"weight": c.weight * factor}) for c in world.criteria],
        world.evidence,
    )
    for a, b in zip(all_scores(score_world(world)), all_scores(score_world(scaled)), strict=True):
        assert (a is None and b is None) or abs(a - b) < 1e-3


@given(worlds())
def test_scorecard_round_trips_through_json(world: World) -> None:
    card = score_world(world)
    assert Scorecard.model_validate_json(card.model_dump_json()) == card
