"""Uncertainty and sensitivity analysis of the scores (Handbook step 7; methodology §13).

Follows the OECD/JRC *Handbook on Constructing Composite Indicators* (2008), chapter 7: every
choice made in building the index is an uncertain input — the weights, the aggregation method
(built-in or a plugin's), the grade bar, the grade table, the level spacing, the status bands,
the target, and the evidence itself (each criterion's score drawn from its belief) — sampled
and propagated through the engine's own rules into the priority scores, the index, their
statuses and the top recommendation.

Sampling is kept apart from analysis, as SALib does:

    problem.py     what is analysed (SensitivityProblem), built from an agenda by build.py
    sampling.py    the inputs: which vary, how each is drawn and decoded (SensitivitySettings)
    rules.py       the engine's rules in numpy form, each pinned to its reference by tests
    evaluate.py    rows of settings -> scores, statuses, top recommendation
    sobol.py       sobol_indices(model, problem, n, seed): indices of any vectorised model
    analysis.py    run_sensitivity: Monte Carlo, indices, one-at-a-time analyses
    robustness.py  nominal scores by the engine, remove-one-criterion, weight flips
    report.py      the result as plain JSON values
"""

from renewal_score.sensitivity.analysis import SensitivityResult, output_names, run_sensitivity
from renewal_score.sensitivity.build import TABLES, build_problem, table_at
from renewal_score.sensitivity.problem import METHODS, Beliefs, SensitivityProblem
from renewal_score.sensitivity.robustness import FLIP_RANGE, Removal, WeightFlip
from renewal_score.sensitivity.rules import round_scores
from renewal_score.sensitivity.sampling import GROUPS, Inputs, Parameters, SensitivitySettings
from renewal_score.sensitivity.sobol import InputSpace, SobolIndices, sobol_indices

__all__ = [
    "FLIP_RANGE",
    "GROUPS",
    "METHODS",
    "TABLES",
    "Beliefs",
    "InputSpace",
    "Inputs",
    "Parameters",
    "Removal",
    "SensitivityProblem",
    "SensitivityResult",
    "SensitivitySettings",
    "SobolIndices",
    "WeightFlip",
    "build_problem",
    "output_names",
    "round_scores",
    "run_sensitivity",
    "sobol_indices",
    "table_at",
]
