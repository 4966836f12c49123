"""The decision a family disagrees with: the one list of them, and the words people read.

Six kinds of local authority decision can be appealed to the First-tier Tribunal (SEND)
(CFA 2014 s51(2)(a)-(f)); the statutory mediation clocks and certificates apply to those
(mediation.domain.deadlines takes only an appealable decision). A family may also come about
another SEND disagreement with no appeal right: no certificate is needed and no clock runs.
The database stores the value; forms, letters and reports show the label.
"""

from __future__ import annotations

from enum import StrEnum


class DecisionType(StrEnum):
    """What the case is about: an appealable LA decision (s51(2)(a)-(f)) or another disagreement."""

    REFUSE_ASSESSMENT = "refuse_assessment"  # s51(2)(a)
    REFUSE_PLAN = "refuse_plan"  # s51(2)(b)
    PLAN_CONTENTS = "plan_contents"  # s51(2)(c)
    REFUSE_REASSESSMENT = "refuse_reassessment"  # s51(2)(d)
    REFUSE_AMENDMENT = "refuse_amendment"  # s51(2)(e)
    CEASE_PLAN = "cease_plan"  # s51(2)(f)
    OTHER_DISAGREEMENT = "other_disagreement"  # no appeal right

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]

    @property
    def appealable(self) -> bool:
        return self is not DecisionType.OTHER_DISAGREEMENT


DECISION_LABELS: dict[DecisionType, str] = {
    DecisionType.REFUSE_ASSESSMENT: "Refusal to carry out an EHC needs assessment",
    DecisionType.REFUSE_PLAN: "Decision not to issue an EHC plan after assessment",
    DecisionType.PLAN_CONTENTS: "The contents of an EHC plan",
    DecisionType.REFUSE_REASSESSMENT: "Refusal to carry out a re-assessment",
    DecisionType.REFUSE_AMENDMENT: "Refusal to amend an EHC plan after a review",
    DecisionType.CEASE_PLAN: "Decision to stop maintaining an EHC plan",
    DecisionType.OTHER_DISAGREEMENT: "Another SEND disagreement (no appeal right)",
}

# In the order of the Act, for forms and for the engine's checks of its input.
APPEALABLE_DECISIONS: tuple[DecisionType, ...] = tuple(d for d in DecisionType if d.appealable)

# (value, label) pairs for Django's `choices`, in the same order as DecisionType.
DECISION_CHOICES: list[tuple[str, str]] = [(d.value, d.label) for d in DecisionType]
