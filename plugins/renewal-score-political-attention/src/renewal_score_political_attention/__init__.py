"""Political attention: an example renewal-score plugin written as plain hooks.

It adds one priority to the Canada-Japan agenda that the built-in criteria modules score,
``political-attention``, from the conclusion of the Asia Pacific Foundation of Canada brief
"Canada-Japan relations within Canada's Indo-Pacific Strategy" (2025-04-30): transforming the
relationship's potential into reality "requires sustained political attention that has thus far
proven elusive amid domestic turbulence and American unpredictability". It judges the priority
on two criteria,

- ``attention.sustained-focus``: whether the relationship keeps its leaders' attention through
  domestic political turbulence in both countries, and
- ``attention.beyond-washington``: whether it keeps attention while both governments manage
  relations with the United States,

and supplies evidence records about subject ``CAN-JPN`` for them, drawn only from claims of the
brief that the built-in modules do not already record.

This is the "raw hooks" example. The built-in modules read TOML data files through
``renewal_score.datafiles.DataPlugin``; this plugin does not. The module itself is the plugin
object (the entry point names the module), and each hook is a plain function marked with
``renewal_score.hookimpl`` that returns a list of models. Three things to copy:

1. Implement only the hooks you need. The subject ``CAN-JPN`` is already declared by the
   built-ins, so there is no ``register_subjects`` here; the criterion scorer is the default
   rubric scorer, so there is no ``score_criterion`` either.
2. Returning models (``Priority``, ``Criterion``, ``Evidence``) rather than plain dicts lets a
   type checker and pydantic catch a mistake when the module is imported or the hook called;
   either way the framework validates every record and names this plugin in any error.
3. Ids are global: the priority id, the criterion ids (prefixed ``attention.``) and the
   evidence ids (prefixed ``pa-``) must not clash with any other plugin's.
"""

from __future__ import annotations

import datetime as dt

from renewal_score import hookimpl
from renewal_score.models import Criterion, Evidence, Priority, RubricLevel, Source

PRIORITY_ID = "political-attention"
SUBJECT_ID = "CAN-JPN"

SOURCE = Source(
    title="Canada-Japan relations within Canada's Indo-Pacific Strategy",
    publisher="Asia Pacific Foundation of Canada",
    date=dt.date(2025, 4, 30),
)
"""The seed brief; no URL is known, so none is given."""


@hookimpl
def register_priorities() -> list[Priority]:
    """The priority this plugin adds to the agenda."""
    return [
        Priority(
            id=PRIORITY_ID,
            title="Sustain political attention to the relationship despite domestic turbulence",
            description=(
                "The brief concludes that the relationship contains the building blocks for a "
                "significant strategic partnership, but that transforming potential into reality "
                "requires sustained political attention that has thus far proven elusive amid "
                "domestic turbulence and American unpredictability."
            ),
            weight=1.0,
            target=75.0,
        )
    ]


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        id="attention.sustained-focus",
        priority=PRIORITY_ID,
        title="Sustained leaders' attention through domestic turbulence",
        description=(
            "Whether the relationship keeps the attention of both governments' leaders when "
            "domestic politics turns turbulent (prorogations, weak coalitions, low approval), "
            "so that bilateral initiatives are carried through rather than paused or avoided."
        ),
        # Weighted above the other criterion: the priority is defined by domestic
        # turbulence; attention lost to Washington is the brief's second, related cause.
        weight=1.5,
        rubric=(
            RubricLevel(
                id="neglected",
                label="Neglected",
                description=(
                    "The relationship gets no attention from leaders beyond routine "
                    "diplomacy, and no bilateral initiative is under way."
                ),
            ),
            RubricLevel(
                id="episodic",
                label="Episodic",
                description=(
                    "The relationship advances when leaders turn to it, but attention lapses "
                    "with domestic political turbulence: initiatives are paused, deferred or "
                    "avoided when a government is weak, distracted or between sessions."
                ),
            ),
            RubricLevel(
                id="prioritized",
                label="Prioritized",
                description=(
                    "Both governments treat the relationship as a priority and set bilateral "
                    "deliverables at leaders' or ministers' level; domestic turbulence slows "
                    "them but does not stop them."
                ),
            ),
            RubricLevel(
                id="sustained",
                label="Sustained",
                description=(
                    "Bilateral initiatives are carried through domestic turbulence on both "
                    "sides (elections, prorogations, changes of government) and implemented "
                    "on schedule, with resources."
                ),
                needs_concrete=True,
            ),
            RubricLevel(
                id="institutionalized",
                label="Institutionalized",
                description=(
                    "Attention no longer depends on particular leaders: standing bilateral "
                    "mechanisms with a work plan drive the agenda, and implementation is "
                    "resourced and reported whoever governs."
                ),
                needs_concrete=True,
            ),
        ),
    ),
    Criterion(
        id="attention.beyond-washington",
        priority=PRIORITY_ID,
        title="Attention beyond managing relations with Washington",
        description=(
            "Whether the relationship keeps its own agenda while both governments manage "
            "relations with an unpredictable United States, rather than being handled only "
            "in reaction to U.S. moves."
        ),
        weight=1.0,
        rubric=(
            RubricLevel(
                id="absorbed",
                label="Absorbed",
                description=(
                    "Managing relations with the United States absorbs both governments; the "
                    "bilateral relationship gets attention only in passing."
                ),
            ),
            RubricLevel(
                id="reactive",
                label="Reactive",
                description=(
                    "The governments turn to each other mainly in reaction to U.S. moves "
                    "(tariffs, threats), without a bilateral agenda of their own."
                ),
            ),
            RubricLevel(
                id="parallel",
                label="Parallel",
                description=(
                    "A bilateral agenda is kept alongside crisis management with Washington: "
                    "leaders' and ministers' meetings and commitments go ahead while U.S. "
                    "relations are turbulent."
                ),
            ),
            RubricLevel(
                id="insulated",
                label="Insulated",
                description=(
                    "Bilateral initiatives are resourced and implemented on their own "
                    "schedule, and neither government defers them to deal with Washington."
                ),
                needs_concrete=True,
            ),
        ),
    ),
)


@hookimpl
def register_criteria() -> list[Criterion]:
    """Two criteria for the priority, each with an ordered rubric from lowest to highest."""
    return list(CRITERIA)


EVIDENCE: tuple[Evidence, ...] = (
    # --- attention.sustained-focus ------------------------------------------------------
    Evidence(
        id="pa-2025-meaningful-advances-constrained",
        subject=SUBJECT_ID,
        criterion="attention.sustained-focus",
        date="2025-04",
        statement=(
            "With shared national interests in preserving an international order based on "
            "the rule of law and democracy, the bilateral relationship has made meaningful "
            "advances but remains constrained by domestic political turbulence in both "
            "countries."
        ),
        level="episodic",
        effect="advance",
        kind="concrete",
        source=SOURCE,
        grade="B2",
        note=(
            "Advances made, yet constrained by domestic turbulence: exactly the 'episodic' "
            "level, so an advance to it. Concrete because it is about what the relationship "
            "has achieved, not about anyone's statement. The achievements the brief goes on "
            "to name are public (and recorded by the built-in modules), but 'meaningful' is "
            "the author's judgement, hence B2. A state-of-affairs claim ('remains'), dated "
            "to the article's month (2025-04). The same sentence's constraint from U.S. "
            "unpredictability is recorded under attention.beyond-washington."
        ),
    ),
    Evidence(
        id="pa-2025-canada-delays-inconsistencies",
        subject=SUBJECT_ID,
        criterion="attention.sustained-focus",
        date="2025-04",
        statement=(
            "The achievements represent a fraction of the potential collaboration; Canada's "
            "approach has been marked by unfortunate delays and inconsistencies."
        ),
        level="episodic",
        effect="setback",
        kind="concrete",
        source=SOURCE,
        grade="B3",
        note=(
            "Canada's side of the domestic constraint: a setback that holds the criterion at "
            "'episodic' (attention lapses, initiatives paused). Concrete because it is about "
            "what Canada has done. The brief's own example, the January 2025 prorogation "
            "that shelved cybersecurity and intelligence agreements, is recorded by the "
            "built-in security module and is not repeated here; this record is the general "
            "characterization, which names no other instance, hence B3. Dated to the "
            "article's month (2025-04)."
        ),
    ),
    Evidence(
        id="pa-2025-ishiba-domestic-focus",
        subject=SUBJECT_ID,
        criterion="attention.sustained-focus",
        date="2025-04",
        statement=(
            "Prime Minister Ishiba Shigeru's precarious political position has constrained "
            "bold initiatives: leading a fractious coalition with approval ratings below 24 "
            "per cent, Ishiba has focused overwhelmingly on domestic economic reforms while "
            "limiting international commitments that might trigger parliamentary opposition."
        ),
        level="episodic",
        effect="setback",
        kind="concrete",
        source=SOURCE,
        grade="B2",
        note=(
            "Japan's side of the domestic constraint: a setback that holds the criterion at "
            "'episodic' (initiatives avoided while the government is weak). Concrete because "
            "it is about the government's conduct, not its statements. The approval figure "
            "is a checkable poll number but 'focused overwhelmingly' is the author's "
            "judgement, hence B2. A state-of-affairs claim dated to the article's month "
            "(2025-04). The built-in security record cj-2025-defence-technology-minimal "
            "cites the same coalition and approval figure as the cause of a defence "
            "technology shortfall; this record is the claim about political attention itself."
        ),
    ),
    Evidence(
        id="pa-2025-sustained-attention-elusive",
        subject=SUBJECT_ID,
        criterion="attention.sustained-focus",
        date="2025-04",
        statement=(
            "The relationship contains the building blocks for a significant strategic "
            "partnership, but transforming potential into reality requires sustained "
            "political attention that has thus far proven elusive amid domestic turbulence "
            "and American unpredictability."
        ),
        level="episodic",
        effect="setback",
        kind="concrete",
        source=SOURCE,
        grade="B3",
        note=(
            "The brief's conclusion, on which the priority rests: attention has not been "
            "'sustained', so a setback holding the criterion at 'episodic'. Concrete because "
            "it is about the attention actually given, not about stated intent. The author's "
            "overall judgement, naming no instance, hence B3. Dated to the article's month "
            "(2025-04)."
        ),
    ),
    # --- attention.beyond-washington ----------------------------------------------------
    Evidence(
        id="pa-2025-us-unpredictability-constrains",
        subject=SUBJECT_ID,
        criterion="attention.beyond-washington",
        date="2025-04",
        statement=(
            "The bilateral relationship remains constrained by unpredictability with the "
            "U.S., especially with Donald Trump's return to the presidency in January."
        ),
        level="reactive",
        effect="setback",
        kind="concrete",
        source=SOURCE,
        grade="B3",
        note=(
            "A constraint on the relationship's own agenda: a setback holding the criterion "
            "at 'reactive'. Concrete because it is about the relationship's actual state. "
            "Trump's return in January (2025, the brief being of April 2025) is public, but "
            "that it constrains this relationship is the author's judgement, hence B3. "
            "Dated to the article's month (2025-04), since the claim is that the constraint "
            "'remains', not the inauguration itself. The brief's example, both countries' "
            "bandwidth consumed by Washington after the February 2025 tariffs, is recorded "
            "by the built-in record cj-2025-us-tariffs-force-reactive-postures and is not "
            "repeated here."
        ),
    ),
)


@hookimpl
def register_evidence() -> list[Evidence]:
    """Evidence from the brief, only from claims the built-in criteria modules do not record.

    Dates are those of the events; claims about the state of affairs are dated to the
    article's month, 2025-04. A setback names the level the criterion falls back to: it can
    lower a score that is above that level and leaves one at or below it unchanged.
    """
    return list(EVIDENCE)
