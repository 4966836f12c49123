"""How fast is the deadline engine? Cases per second over 100,000 synthetic cases.

    .venv/bin/python bench/engine_bench.py [--cases N] [--seed S]

Builds seeded random CaseFacts (dates 2024-2028, mixed issues, events and agreed actions, and
the contract version 2 inputs: the meeting date, short-notice consent, the LA not a party), then
times `compute_deadlines` over all of them with the real England & Wales calendar, and prints one
markdown table row. Stand-alone: no Django, no database. Building the cases and the calendar is
outside the timed part; explanations are included, as the web app needs them.
`--without-v2-fields` builds exactly the cases of the version 1 benchmark, for comparison.
"""

from __future__ import annotations

import argparse
import platform
import random
import time
from datetime import date, timedelta

from mediation.bank_holidays import calendar_for
from mediation.domain.deadlines import (
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    IssueKind,
    compute_deadlines,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2028, 12, 31)
ISSUE_MIXES = [
    frozenset({IssueKind.EDUCATION}),
    frozenset({IssueKind.EDUCATION, IssueKind.HEALTH}),
    frozenset({IssueKind.HEALTH}),
    frozenset({IssueKind.SOCIAL_CARE}),
    frozenset(IssueKind),
]


def synthetic_case(rng: random.Random, v2_rng: random.Random | None = None) -> CaseFacts:
    """One plausible case: events in their usual order a few days or weeks apart.

    The version 2 inputs are drawn from `v2_rng`, a second generator, so the version 1 part of
    every case is the same with or without them.
    """
    notice_sent = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days - 200))
    day = notice_sent
    events: dict[CaseEvent, date] = {}

    def later(max_days: int) -> date:
        nonlocal day
        day += timedelta(days=rng.randint(0, max_days))
        return day

    events[CaseEvent.ADVISER_CONTACTED] = later(70)  # sometimes after the 2-month window
    issues = rng.choice(ISSUE_MIXES)
    actions: tuple[AgreedAction, ...] = ()
    if rng.random() < 0.55:
        events[CaseEvent.MEDIATION_DECLINED] = later(5)
        events[CaseEvent.CERTIFICATE_ISSUED] = later(4)
    else:
        events[CaseEvent.LA_INFORMED] = later(10)
        if IssueKind.HEALTH in issues:
            events[CaseEvent.HEALTH_BODY_NOTIFIED] = later(4)
        if rng.random() < 0.1:
            events[CaseEvent.LA_UNABLE_TO_ARRANGE_NOTIFIED] = later(30)
        events[CaseEvent.MEDIATION_HELD] = later(30)
        events[CaseEvent.MEDIATION_CONCLUDED] = later(2)
        if rng.random() < 0.7:
            events[CaseEvent.AGREEMENT_MADE] = events[CaseEvent.MEDIATION_HELD]
            actions = tuple(
                AgreedAction(
                    id=f"A{n}",
                    kind=rng.choice(list(ActionKind)),
                    agreed_due=later(60) if rng.random() < 0.2 else None,
                )
                for n in range(1, rng.randint(1, 4) + 1)
            )
        events[CaseEvent.CERTIFICATE_ISSUED] = later(4)
    # Drop some events, as real cases in progress have only some of them.
    kept = {name: when for name, when in events.items() if rng.random() < 0.85}
    short_notice_agreed = la_not_a_party = False
    held = events.get(CaseEvent.MEDIATION_HELD)
    if v2_rng is not None and held is not None:
        kept[CaseEvent.MEETING_DATE] = held  # the meeting was booked for the day it was held
        short_notice_agreed = v2_rng.random() < 0.1
        la_not_a_party = issues == {IssueKind.HEALTH}  # health-only: the LA is not a party
    return CaseFacts(
        decision_type=rng.choice(APPEALABLE_DECISIONS),
        notice_sent=notice_sent,
        section_i_only=rng.random() < 0.1,
        issues=issues,
        events=kept,
        agreed_actions=actions,
        short_notice_agreed=short_notice_agreed,
        la_not_a_party=la_not_a_party,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=20260302)
    parser.add_argument(
        "--without-v2-fields",
        action="store_true",
        help="build the version 1 benchmark's cases (no meeting date, no new flags)",
    )
    args = parser.parse_args()

    rng = random.Random(args.seed)
    v2_rng = None if args.without_v2_fields else random.Random(args.seed + 1)
    cases = [synthetic_case(rng, v2_rng) for _ in range(args.cases)]
    calendar = calendar_for([FIRST_DAY, LAST_DAY])

    started = time.perf_counter()
    deadlines = sum(len(compute_deadlines(case, calendar).deadlines) for case in cases)
    elapsed = time.perf_counter() - started

    print("| cases | deadlines | seconds | cases per second | Python |")
    print("|---:|---:|---:|---:|---|")
    print(
        f"| {len(cases):,} | {deadlines:,} | {elapsed:.2f} | {len(cases) / elapsed:,.0f} "
        f"| {platform.python_version()} |"
    )


if __name__ == "__main__":
    main()
