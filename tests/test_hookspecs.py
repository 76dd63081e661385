"""Every hook is documented: when it is called and what it returns."""

from __future__ import annotations

import inspect

import pytest

from renewal_score import hookspecs

HOOKS = sorted(
    name
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if hasattr(function, "renewal_score_spec")
)


def test_there_are_hooks_for_each_stage() -> None:
    assert {
        "register_priorities",
        "register_criteria",
        "register_evidence",
        "score_criterion",
    } <= set(HOOKS)


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_says_when_it_is_called_and_what_it_returns(name: str) -> None:
    doc = inspect.getdoc(getattr(hookspecs, name)) or ""
    assert "Called" in doc, f"{name}: say when the hook is called"
    assert ":return:" in doc, f"{name}: say what the hook returns"
    for parameter in inspect.signature(getattr(hookspecs, name)).parameters:
        assert f":param {parameter}:" in doc, f"{name}: document parameter {parameter}"
