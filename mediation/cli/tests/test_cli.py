"""The `mediation-deadlines` command against deadlines-contract.md, with real bank holidays.

Most tests call `run()` in-process (stdin bytes -> exit code and stdout text); a few run the
installed console script to check real stdin, stdout and exit codes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.bank_holidays import (
    LAST_SUPPORTED_YEAR,
    calendar_for,
    england_and_wales_holidays,
    years_to_cover,
)
from mediation.cli.deadlines import main, run
from mediation.domain.tests.test_calendar import ENGLAND_AND_WALES_2025_2028

COMMAND = Path(sys.executable).with_name("mediation-deadlines")
# A field path or code in a message meant for people: "events.la_informed", "agreed_due",
# "agreed_actions[0]". Messages name events in words instead (contract version 2, change 5).
FIELD_PATH = re.compile(r"[a-z]+_[a-z_]+|[a-z]\.[a-z]|\[[0-9]+\]")
DEADLINE_KEYS = ["code", "due", "rule", "from", "explanation"]


def call(case: Any) -> tuple[int, dict[str, Any]]:
    """Run the command in-process on a JSON-serialisable value (or raw bytes)."""
    raw = case if isinstance(case, bytes) else json.dumps(case).encode()
    code, text = run(raw)
    return code, json.loads(text)


def valid_case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {"decision": {"type": "plan_contents", "notice_sent": "2026-03-02"}}
    case.update(changes)
    return case


def dues(output: dict[str, Any]) -> dict[str, str]:
    return {d["code"]: d["due"] for d in output["deadlines"]}


# ---- the contract's worked examples ----------------------------------------------------------

DECLINED = {"events": {"mediation_declined": "2026-03-05"}}
DECLINED_AND_CERTIFIED = {
    "events": {"mediation_declined": "2026-03-05", "certificate_issued": "2026-03-09"}
}
LA_INFORMED_MIXED = {"issues": ["education", "health"], "events": {"la_informed": "2026-06-01"}}
HELD_AND_CONCLUDED = {
    "events": {"mediation_held": "2026-08-27", "mediation_concluded": "2026-08-27"}
}


@pytest.mark.parametrize(
    ("changes", "code", "due"),
    [
        (DECLINED, "certificate_due_after_decline", "2026-03-10"),
        (DECLINED_AND_CERTIFIED, "appeal_deadline", "2026-05-05"),
        (DECLINED_AND_CERTIFIED, "adviser_contact_window_ends", "2026-05-02"),
        (DECLINED, "adviser_contact_window_ends", "2026-05-02"),
        (LA_INFORMED_MIXED, "health_bodies_notified_by", "2026-06-04"),
        (LA_INFORMED_MIXED, "mediation_by", "2026-07-01"),
        (HELD_AND_CONCLUDED, "outcome_statement_circulated_by", "2026-09-02"),
        (HELD_AND_CONCLUDED, "certificate_due_after_mediation", "2026-09-02"),
        (
            {
                "decision": {"type": "plan_contents", "notice_sent": "2026-06-15"},
                "events": {"certificate_issued": "2026-07-20"},
            },
            "appeal_deadline",
            "2026-09-01",
        ),
    ],
)
def test_contract_worked_examples(changes: dict[str, Any], code: str, due: str) -> None:
    exit_code, output = call(valid_case(**changes))
    assert exit_code == 0
    assert dues(output)[code] == due


def test_output_matches_the_contract_example_exactly() -> None:
    exit_code, output = call(valid_case(**DECLINED))
    assert exit_code == 0
    assert list(output) == ["deadlines", "certificate", "warnings"]
    assert output["certificate"] == {"required": True, "allowed": True}
    assert output["warnings"] == []
    declined = output["deadlines"][1]
    assert declined == {
        "code": "certificate_due_after_decline",
        "due": "2026-03-10",
        "rule": "SEND Regulations 2014 reg 34(1)",
        "from": "events.mediation_declined",
        "explanation": "3 working days after Thu 5 Mar 2026: Fri 6, Mon 9, Tue 10 Mar",
    }
    for deadline in output["deadlines"]:
        assert list(deadline) == DEADLINE_KEYS


def test_explanation_names_the_real_bank_holiday() -> None:
    _, output = call(valid_case(**DECLINED_AND_CERTIFIED))
    appeal = output["deadlines"][-1]
    assert appeal["code"] == "appeal_deadline"
    assert appeal["from"] == "decision.notice_sent"
    assert "Mon 4 May: Early May Bank Holiday" in appeal["explanation"]
    _, output = call(valid_case(**HELD_AND_CONCLUDED))
    assert "Mon 31 Aug: Late Summer Bank Holiday" in output["deadlines"][1]["explanation"]


def test_full_case_in_contract_order() -> None:
    exit_code, output = call(
        valid_case(
            issues=["health", "social_care", "health"],  # repeats are fine
            events={
                "adviser_contacted": "2026-03-03",
                "mediation_declined": "2026-03-04",
                "la_informed": "2026-03-05",
                "health_body_notified": "2026-03-06",
                "la_unable_to_arrange_notified": "2026-03-30",
                "mediation_held": "2026-04-01",
                "mediation_concluded": "2026-04-01",
                "certificate_issued": "2026-04-02",
                "agreement_made": "2026-04-01",
            },
            agreed_actions=[
                {"id": "Z9", "kind": "make_plan", "agreed_due": None},
                {"id": "A1", "kind": "assessment", "agreed_due": "2026-04-20"},
                {"id": "B2", "kind": "not_appealable"},
            ],
            extra_closure_days=[],
        )
    )
    assert exit_code == 0
    assert [d["code"] for d in output["deadlines"]] == [
        "adviser_contact_window_ends",
        "certificate_due_after_decline",
        "health_bodies_notified_by",
        "mediation_by",
        "certificate_due_deemed",
        "certificate_due_after_mediation",
        "outcome_statement_circulated_by",
        "appeal_deadline",
        "agreed_action_due:Z9",
        "agreed_action_due:A1",
        "agreed_action_due:B2",
    ]
    by_code = {d["code"]: d for d in output["deadlines"]}
    assert by_code["agreed_action_due:Z9"]["due"] == "2026-05-06"  # 5 weeks
    assert by_code["agreed_action_due:Z9"]["from"] == "events.agreement_made"
    assert by_code["agreed_action_due:A1"]["due"] == "2026-04-20"
    assert by_code["agreed_action_due:A1"]["from"] == "agreed_actions[1].agreed_due"
    assert by_code["agreed_action_due:B2"]["due"] == "2026-04-15"  # 2 weeks
    assert output["warnings"] == []


def test_issues_default_to_education() -> None:
    _, output = call(valid_case(events={"la_informed": "2026-06-01"}))
    assert "health_bodies_notified_by" not in dues(output)
    mediation_by = output["deadlines"][1]
    assert (mediation_by["code"], mediation_by["rule"]) == (
        "mediation_by",
        "SEND Regulations 2014 reg 36(2)",
    )


def test_health_only_mediation_runs_from_the_health_body_notification() -> None:
    _, output = call(
        valid_case(
            issues=["health"],
            events={"la_informed": "2026-06-01", "health_body_notified": "2026-06-03"},
        )
    )
    mediation_by = {d["code"]: d for d in output["deadlines"]}["mediation_by"]
    assert (mediation_by["due"], mediation_by["from"]) == (
        "2026-07-03",
        "events.health_body_notified",
    )


def test_late_adviser_contact_disallows_the_certificate_with_a_warning() -> None:
    exit_code, output = call(valid_case(events={"adviser_contacted": "2026-05-04"}))
    assert exit_code == 0
    assert output["certificate"] == {"required": True, "allowed": False}
    (warning,) = output["warnings"]
    assert warning["field"] == "events.adviser_contacted"
    assert "Monday 4 May 2026" in warning["message"]


def test_section_i_only_certificate_not_required() -> None:
    case = valid_case(**DECLINED)
    case["decision"]["section_i_only"] = True
    _, output = call(case)
    assert output["certificate"] == {"required": False, "allowed": True}
    assert "certificate_due_after_decline" in dues(output)
    (warning,) = output["warnings"]
    assert warning["field"] == "decision.section_i_only"


def test_events_out_of_order_are_a_warning_not_an_error() -> None:
    exit_code, output = call(
        valid_case(events={"la_informed": "2026-06-01", "mediation_held": "2026-05-01"})
    )
    assert exit_code == 0
    assert output["warnings"] == [
        {
            "field": "events.mediation_held",
            "message": "The date the meeting was held must be on or after the day the LA was "
            "told the family wants mediation, Monday 1 June 2026.",
        }
    ]


def test_extra_closure_days_are_respected() -> None:
    _, output = call(valid_case(**DECLINED, extra_closure_days=["2026-03-09", "2026-03-09"]))
    declined = output["deadlines"][1]
    assert declined["due"] == "2026-03-11"
    assert "Mon 9 Mar: Service closure day" in declined["explanation"]


def test_null_optional_fields_mean_not_given() -> None:
    case = {
        "decision": {"type": "cease_plan", "notice_sent": "2026-03-02", "section_i_only": None},
        "issues": None,
        "events": {"mediation_declined": "2026-03-05", "la_informed": None},
        "agreed_actions": None,
        "extra_closure_days": None,
    }
    exit_code, output = call(case)
    assert exit_code == 0
    assert dues(output) == {
        "adviser_contact_window_ends": "2026-05-02",
        "certificate_due_after_decline": "2026-03-10",
        "appeal_deadline": "2026-05-05",
    }


@pytest.mark.parametrize(
    "decision_type",
    [
        "refuse_assessment",
        "refuse_plan",
        "plan_contents",
        "refuse_reassessment",
        "refuse_amendment",
        "cease_plan",
    ],
)
def test_every_decision_type_is_accepted(decision_type: str) -> None:
    exit_code, _ = call({"decision": {"type": decision_type, "notice_sent": "2026-03-02"}})
    assert exit_code == 0


@pytest.mark.parametrize(
    ("notice_sent", "appeal_deadline"),
    [
        ("2025-10-25", "2026-01-02"),  # Christmas rule
        ("2026-10-28", "2027-01-04"),
        ("2027-11-01", "2028-01-04"),  # base Sat 1 Jan 2028; Mon 3 Jan is the substitute day
        ("2026-06-30", "2026-09-01"),  # August rule; 31 Aug 2026 is a bank holiday
        ("2025-12-31", "2026-03-02"),  # 28 Feb 2026 is a Saturday
        ("2027-12-31", "2028-02-29"),
        ("1970-01-01", "1970-03-02"),  # the earliest supported date
        ("2199-12-31", "2200-02-28"),  # the latest supported date; 2200 is not a leap year
    ],
)
def test_appeal_deadline_with_real_holidays(notice_sent: str, appeal_deadline: str) -> None:
    exit_code, output = call({"decision": {"type": "refuse_plan", "notice_sent": notice_sent}})
    assert exit_code == 0
    assert dues(output)["appeal_deadline"] == appeal_deadline


# ---- bad input -------------------------------------------------------------------------------

DATE_MESSAGE = "Enter a real date in the form YYYY-MM-DD"


def with_decision(**fields: Any) -> dict[str, Any]:
    return {"decision": {"type": "plan_contents", "notice_sent": "2026-03-02", **fields}}


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        # unknown fields at every level
        (valid_case(extra=1), "extra", "Unknown field"),
        (with_decision(sent="2026-03-02"), "decision.sent", "Unknown field"),
        (valid_case(events={"la_told": "2026-03-03"}), "events.la_told", "Unknown field"),
        (
            valid_case(agreed_actions=[{"id": "A1", "kind": "assessment", "owner": "LA"}]),
            "agreed_actions[0].owner",
            "Unknown field",
        ),
        # required fields
        ({}, "decision", "This field is required"),
        ({"decision": None}, "decision", "This field is required"),
        ({"decision": {"notice_sent": "2026-03-02"}}, "decision.type", "This field is required"),
        ({"decision": {"type": "plan_contents"}}, "decision.notice_sent", "This field is required"),
        (
            valid_case(agreed_actions=[{"kind": "assessment"}]),
            "agreed_actions[0].id",
            "This field is required",
        ),
        (valid_case(agreed_actions=[{"id": "A1"}]), "agreed_actions[0].kind", None),
        # wrong types: JSON true is not a number, and numbers are not booleans
        (with_decision(section_i_only=1), "decision.section_i_only", "Must be true or false"),
        (with_decision(section_i_only=0), "decision.section_i_only", "Must be true or false"),
        (with_decision(section_i_only="true"), "decision.section_i_only", None),
        (
            {"decision": {"type": "plan_contents", "notice_sent": True}},
            "decision.notice_sent",
            DATE_MESSAGE,
        ),
        (
            {"decision": {"type": "plan_contents", "notice_sent": 20260302}},
            "decision.notice_sent",
            DATE_MESSAGE,
        ),
        ({"decision": {"type": True, "notice_sent": "2026-03-02"}}, "decision.type", None),
        ({"decision": "plan_contents"}, "decision", "Must be a JSON object"),
        ({"decision": []}, "decision", "Must be a JSON object"),
        (valid_case(events=[]), "events", "Must be a JSON object"),
        (valid_case(events={"la_informed": 1}), "events.la_informed", DATE_MESSAGE),
        (valid_case(events={"la_informed": False}), "events.la_informed", DATE_MESSAGE),
        (valid_case(issues="education"), "issues", None),
        (valid_case(issues=[True]), "issues[0]", None),
        (valid_case(agreed_actions={}), "agreed_actions", None),
        (valid_case(agreed_actions=["A1"]), "agreed_actions[0]", "Must be a JSON object"),
        (
            valid_case(agreed_actions=[{"id": 1, "kind": "assessment"}]),
            "agreed_actions[0].id",
            None,
        ),
        (
            valid_case(agreed_actions=[{"id": " ", "kind": "assessment"}]),
            "agreed_actions[0].id",
            None,
        ),
        (
            valid_case(agreed_actions=[{"id": "A1", "kind": "assessment", "agreed_due": 14}]),
            "agreed_actions[0].agreed_due",
            DATE_MESSAGE,
        ),
        (valid_case(extra_closure_days="2026-12-24"), "extra_closure_days", None),
        (valid_case(extra_closure_days=[None]), "extra_closure_days[0]", DATE_MESSAGE),
        # impossible dates and dates not in strict YYYY-MM-DD form
        (with_decision(notice_sent="2026-02-30"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2027-02-29"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-13-01"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-00-10"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-3-2"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="20260302"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-03-02T00:00"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent=" 2026-03-02"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-03-02\n"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="02/03/2026"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="2026-W10-1"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent="２０２６-03-02"), "decision.notice_sent", DATE_MESSAGE),
        (with_decision(notice_sent=""), "decision.notice_sent", DATE_MESSAGE),
        # dates outside the supported range
        (with_decision(notice_sent="1969-12-31"), "decision.notice_sent", None),
        (
            with_decision(notice_sent=f"{LAST_SUPPORTED_YEAR + 1}-01-01"),
            "decision.notice_sent",
            None,
        ),
        (with_decision(notice_sent="9999-12-31"), "decision.notice_sent", None),
        (with_decision(notice_sent="0000-01-01"), "decision.notice_sent", DATE_MESSAGE),
        (valid_case(events={"agreement_made": "2200-01-01"}), "events.agreement_made", None),
        # unknown enum values
        (with_decision(type="refuse_everything"), "decision.type", None),
        (with_decision(type="Plan_Contents"), "decision.type", None),
        (valid_case(issues=["dental"]), "issues[0]", None),
        (
            valid_case(agreed_actions=[{"id": "A1", "kind": "apologise"}]),
            "agreed_actions[0].kind",
            None,
        ),
        # duplicate agreed-action ids, empty issues
        (
            valid_case(
                agreed_actions=[
                    {"id": "A1", "kind": "assessment"},
                    {"id": "A1", "kind": "make_plan"},
                ]
            ),
            "agreed_actions[1].id",
            None,
        ),
        (valid_case(issues=[]), "issues", None),
        # not an object at all
        ([], "", "Must be a JSON object"),
        ("case", "", "Must be a JSON object"),
        (3, "", "Must be a JSON object"),
        (None, "", "Must be a JSON object"),
        (True, "", "Must be a JSON object"),
    ],
)
def test_bad_input_is_exit_2_with_the_field_named(
    case: Any, field: str, message: str | None
) -> None:
    exit_code, output = call(case)
    assert exit_code == 2
    assert list(output) == ["errors"]
    fields = {error["field"]: error["message"] for error in output["errors"]}
    assert field in fields, output
    if message is not None:
        assert fields[field] == message


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n",
        b"{",
        b"{'decision': {}}",
        b'{"decision": 1,}',
        b"\xff\xfe{}",
        b'{"a": "\xc3\x28"}',
        b"NaN",
        b'{"decision": Infinity}',
        b"[" * 100_000,
        b"1" * 5000,
        b'{"decision": {"type": "plan_contents", "notice_sent": "2026-03-02"}} {}',
        b'{"decision": {"type": "plan_contents", "notice_sent": "2026-03-02"}}\n{}',
    ],
)
def test_malformed_bytes_are_exit_2_with_a_document_level_error(raw: bytes) -> None:
    exit_code, output = call(raw)
    assert exit_code == 2
    assert output["errors"]
    assert output["errors"][0]["field"] == ""


def test_every_error_is_reported_not_just_the_first() -> None:
    exit_code, output = call(
        {
            "decision": {"type": "x", "notice_sent": "2026-02-30", "section_i_only": 1},
            "issues": [],
            "events": {"foo": "2026-01-01", "la_informed": "yesterday"},
            "agreed_actions": [{"id": "A1", "kind": "assessment"}, {"id": "A1", "kind": "x"}],
            "extra_closure_days": ["2026-12-32"],
            "surprise": True,
        }
    )
    assert exit_code == 2
    assert sorted(error["field"] for error in output["errors"]) == sorted(
        [
            "surprise",
            "decision.type",
            "decision.notice_sent",
            "decision.section_i_only",
            "issues",
            "events.foo",
            "events.la_informed",
            "agreed_actions[1].id",
            "agreed_actions[1].kind",
            "extra_closure_days[0]",
        ]
    )


def test_a_field_given_twice_is_an_error() -> None:
    raw = (
        b'{"decision": {"type": "plan_contents",'
        b' "notice_sent": "2026-03-02", "notice_sent": "2026-03-03"}}'
    )
    exit_code, output = call(raw)
    assert exit_code == 2
    assert output["errors"] == [
        {"field": "decision.notice_sent", "message": "This field is given more than once"}
    ]


def test_a_utf8_byte_order_mark_is_tolerated() -> None:
    raw = b"\xef\xbb\xbf" + json.dumps(valid_case()).encode()
    assert call(raw)[0] == 0


def test_odd_unicode_in_unknown_field_names_is_echoed_safely() -> None:
    exit_code, text = run(
        b'{"\\ud800\xc3\xa9": 1,'
        b' "decision": {"type": "plan_contents", "notice_sent": "2026-03-02"}}'
    )
    assert exit_code == 2
    assert text.isascii()
    assert json.loads(text)["errors"][0]["message"] == "Unknown field"


# ---- fuzzing ---------------------------------------------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
    | st.sampled_from(
        [
            "2026-03-02",
            "2026-02-30",
            "1969-12-31",
            "education",
            "health",
            "plan_contents",
            "assessment",
            "A1",
        ]
    )
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["decision", "type", "notice_sent", "events", "issues", "id", "kind", "x"]
            )
            | st.text(max_size=6),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
EVENT_NAMES = [
    "adviser_contacted",
    "mediation_declined",
    "la_informed",
    "health_body_notified",
    "la_unable_to_arrange_notified",
    "mediation_held",
    "mediation_concluded",
    "certificate_issued",
    "agreement_made",
]
dates_or_junk = (
    st.dates(min_value=date(1965, 1, 1), max_value=date(2105, 12, 31)).map(date.isoformat)
    | json_scalars
)
near_valid_decisions: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["plan_contents", "cease_plan"]) | json_scalars,
        "notice_sent": dates_or_junk,
    },
    optional={"section_i_only": st.booleans() | json_scalars},
)
near_valid_actions: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {"id": st.sampled_from(["A1", "A2", ""]) | json_scalars},
    optional={
        "kind": st.sampled_from(["assessment", "make_plan", "nope"]),
        "agreed_due": dates_or_junk,
    },
)
near_valid_cases = st.fixed_dictionaries(
    {"decision": near_valid_decisions},
    optional={
        "issues": st.lists(
            st.sampled_from(["education", "health", "social_care"]) | json_scalars, max_size=4
        ),
        "events": st.dictionaries(st.sampled_from([*EVENT_NAMES, "later"]), dates_or_junk),
        "agreed_actions": st.lists(near_valid_actions, max_size=3),
        "extra_closure_days": st.lists(dates_or_junk, max_size=3),
    },
)

supported_dates = st.dates(min_value=date(1970, 1, 1), max_value=date(LAST_SUPPORTED_YEAR, 12, 31))
recent_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31))
valid_dates = (recent_dates | supported_dates).map(date.isoformat)
valid_decisions: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["plan_contents", "refuse_assessment", "cease_plan"]),
        "notice_sent": valid_dates,
    },
    optional={"section_i_only": st.booleans() | st.none()},
)
valid_actions: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=5).filter(str.strip),
        "kind": st.sampled_from(["assessment", "make_plan", "not_appealable"]),
    },
    optional={"agreed_due": valid_dates | st.none()},
)


def action_id(action: dict[str, Any]) -> Any:
    return action["id"]


valid_optional_fields: dict[str, st.SearchStrategy[Any]] = {
    "issues": st.lists(
        st.sampled_from(["education", "health", "social_care"]), min_size=1, max_size=4
    ),
    "events": st.dictionaries(st.sampled_from(EVENT_NAMES), valid_dates | st.none()),
    "agreed_actions": st.lists(valid_actions, max_size=3, unique_by=action_id),
    "extra_closure_days": st.lists(valid_dates, max_size=3),
}
valid_cases = st.fixed_dictionaries({"decision": valid_decisions}, optional=valid_optional_fields)


def assert_contract_shape(exit_code: int, text: str) -> None:
    assert exit_code in (0, 2)
    output = json.loads(text)
    assert isinstance(output, dict)
    if exit_code == 2:
        assert list(output) == ["errors"]
        assert output["errors"]
        for error in output["errors"]:
            assert set(error) == {"field", "message"}
            assert isinstance(error["field"], str) and isinstance(error["message"], str)
            assert error["message"]
    else:
        assert list(output) == ["deadlines", "certificate", "warnings"]
        for deadline in output["deadlines"]:
            assert list(deadline) == DEADLINE_KEYS
            date.fromisoformat(deadline["due"])
        assert {"required", "allowed"} == set(output["certificate"])
        for warning in output["warnings"]:
            assert list(warning) == ["field", "message"]
            assert isinstance(warning["field"], str) and isinstance(warning["message"], str)
            assert warning["message"] and not FIELD_PATH.search(warning["message"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values | near_valid_cases)
def test_fuzz_any_json_value_gives_exit_0_or_2_and_json(value: Any) -> None:
    assert_contract_shape(*run(json.dumps(value).encode()))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(value=near_valid_cases)
def test_fuzz_near_valid_cases(value: Any) -> None:
    assert_contract_shape(*run(json.dumps(value).encode()))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(value=valid_cases)
def test_fuzz_valid_cases_always_succeed(value: Any) -> None:
    exit_code, text = run(json.dumps(value).encode())
    assert_contract_shape(exit_code, text)
    assert exit_code == 0, text


@given(raw=st.binary(max_size=200))
def test_fuzz_raw_bytes(raw: bytes) -> None:
    assert_contract_shape(*run(raw))


# ---- the installed command, through real pipes -----------------------------------------------


def run_command(stdin: bytes, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([str(COMMAND), *args], input=stdin, capture_output=True, check=False)


def test_installed_command_computes_the_worked_example() -> None:
    result = run_command(json.dumps(valid_case(**DECLINED_AND_CERTIFIED)).encode())
    assert result.returncode == 0
    assert result.stderr == b""
    output = json.loads(result.stdout)
    assert dues(output)["appeal_deadline"] == "2026-05-05"
    assert dues(output)["certificate_due_after_decline"] == "2026-03-10"


@pytest.mark.parametrize(
    "stdin",
    [
        b"",
        b"not json",
        b"\x80\x81",
        b'{"decision": {"type": "plan_contents", "notice_sent": "2026-02-30"}}',
        b"[]",
    ],
)
def test_installed_command_rejects_bad_input_with_exit_2(stdin: bytes) -> None:
    result = run_command(stdin)
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert json.loads(result.stdout)["errors"]


def test_installed_command_refuses_arguments_and_offers_help() -> None:
    assert run_command(b"{}", "--surprise").returncode == 2
    help_result = run_command(b"", "--help")
    assert help_result.returncode == 0
    assert b"usage: mediation-deadlines" in help_result.stdout


def test_main_reads_stdin_and_writes_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class FakeStdin:
        buffer = __import__("io").BytesIO(json.dumps(valid_case(**DECLINED)).encode())

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    assert main([]) == 0
    assert (
        dues(json.loads(capsys.readouterr().out))["certificate_due_after_decline"] == "2026-03-10"
    )


# ---- mediation.bank_holidays -----------------------------------------------------------------


def test_bank_holidays_agree_with_the_hand_written_2025_2028_table() -> None:
    real = england_and_wales_holidays(range(2025, 2029))
    weekdays = {day: name for day, name in real.items() if day.weekday() < 5}
    assert weekdays == ENGLAND_AND_WALES_2025_2028


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 28), "Boxing Day (substitute day)"),
        (date(2027, 12, 27), "Christmas Day (substitute day)"),
        (date(2027, 12, 28), "Boxing Day (substitute day)"),
        (date(2028, 1, 3), "New Year's Day (substitute day)"),
        (date(2026, 5, 4), "Early May Bank Holiday"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2022, 9, 19), "State Funeral of Queen Elizabeth II"),  # a one-off proclaimed day
        (date(2023, 5, 8), "Coronation of Charles III"),
        # Past the package's own last year (2100) the same rules are projected
        (date(2100, 12, 27), "Christmas Day (substitute day)"),
        (date(2150, 8, 31), "Late Summer Bank Holiday"),
        (date(2199, 12, 25), "Christmas Day"),
        (date(2201, 1, 1), "New Year's Day"),
        (date(2026, 12, 26), "Boxing Day"),  # the actual Saturday is listed too (harmless)
    ],
)
def test_bank_holiday_names(day: date, name: str) -> None:
    assert england_and_wales_holidays([day.year])[day] == name


def test_calendar_for_covers_a_year_before_and_two_after() -> None:
    assert years_to_cover([date(2026, 3, 2), date(2027, 1, 1)]) == range(2025, 2030)
    calendar = calendar_for([date(2026, 3, 2)], extra_closure_days=[date(2026, 3, 9)])
    assert not calendar.is_working_day(date(2025, 12, 25))
    assert not calendar.is_working_day(date(2028, 12, 25))
    assert calendar.non_working_reason(date(2026, 3, 9)) == "Service closure day"
    named = calendar_for([date(2026, 3, 2)], extra_closure_days={date(2026, 8, 31): "Staff day"})
    assert named.non_working_reason(date(2026, 8, 31)) == "Late Summer Bank Holiday"


def test_calendar_for_refuses_years_without_holiday_data() -> None:
    with pytest.raises(ValueError, match="bank holiday data"):
        calendar_for([date(LAST_SUPPORTED_YEAR + 1, 1, 1)])
    with pytest.raises(ValueError, match="at least one date"):
        calendar_for([])
