"""The command against contract version 2 (docs/domain/deadlines-contract.md).

A table per numbered change, the new input keys and their type checks, every worked example,
and fuzzing of what a careless or hostile caller could send: arbitrary JSON, huge numbers, deep
nesting, wrong types, bytes that are not UTF-8, nothing at all. Whatever comes in, the command
answers exit 0 or 2 with JSON, in plain words, and never a traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.cli.deadlines import run

COMMAND = Path(sys.executable).with_name("mediation-deadlines")
FIELD_PATH = re.compile(r"[a-z]+_[a-z_]+|[a-z]\.[a-z]|\[[0-9]+\]")
# What Python says when it is left to speak for itself.
PYTHON_INTERNALS = re.compile(
    r"invalid literal|NoneType|Traceback|Expecting|int\(\)|sys\.|set_int_max_str_digits"
    r"|object has no attribute|unhashable|not subscriptable|KeyError|TypeError|ValueError"
    r"|Exceeds the limit|line \d+ column \d+ \(char",
)
NOTICE = {"type": "plan_contents", "notice_sent": "2026-03-02"}


def call(case: Any) -> tuple[int, dict[str, Any]]:
    raw = case if isinstance(case, bytes) else json.dumps(case).encode()
    code, text = run(raw)
    return code, json.loads(text)


def case(**fields: Any) -> dict[str, Any]:
    return {"decision": dict(NOTICE), **fields}


def dues(output: dict[str, Any]) -> dict[str, str]:
    return {d["code"]: d["due"] for d in output["deadlines"]}


def ok(value: Any) -> dict[str, Any]:
    code, output = call(value)
    assert code == 0, output
    return output


# ---- the worked examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_case", "code", "due"),
    [
        (case(events={"mediation_declined": "2026-03-05"}), "certificate_due_after_decline", "2026-03-10"),
        (
            case(events={"mediation_declined": "2026-03-05", "certificate_issued": "2026-03-09"}),
            "appeal_deadline",
            "2026-05-05",
        ),
        (
            case(events={"mediation_declined": "2026-03-05", "certificate_issued": "2026-03-09"}),
            "adviser_contact_window_ends",
            "2026-05-02",
        ),
        (case(issues=["education", "health"], events={"la_informed": "2026-06-01"}), "health_bodies_notified_by", "2026-06-04"),
        (case(issues=["education", "health"], events={"la_informed": "2026-06-01"}), "mediation_by", "2026-07-01"),
        (
            case(events={"mediation_held": "2026-08-27", "mediation_concluded": "2026-08-27"}),
            "outcome_statement_circulated_by",
            "2026-09-02",
        ),
        (
            case(events={"mediation_held": "2026-08-27", "mediation_concluded": "2026-08-27"}),
            "certificate_due_after_mediation",
            "2026-09-02",
        ),
        (
            {"decision": {"type": "plan_contents", "notice_sent": "2026-06-15"}, "events": {"certificate_issued": "2026-07-20"}},
            "appeal_deadline",
            "2026-09-01",
        ),
    ],
)  # fmt: skip
def test_every_worked_example(given_case: dict[str, Any], code: str, due: str) -> None:
    assert dues(ok(given_case))[code] == due


def test_the_contract_s_example_output_word_for_word() -> None:
    output = ok(case(events={"mediation_declined": "2026-03-05"}))
    assert output["deadlines"][1] == {
        "code": "certificate_due_after_decline",
        "due": "2026-03-10",
        "rule": "SEND Regulations 2014 reg 34(1)",
        "from": "events.mediation_declined",
        "explanation": "3 working days after Thu 5 Mar 2026: Fri 6, Mon 9, Tue 10 Mar",
    }
    assert output["certificate"] == {"required": True, "allowed": True}
    assert output["warnings"] == []


# ---- change 1: the Tribunal's working days -----------------------------------------------------


@pytest.mark.parametrize(
    ("given_case", "closures", "appeal_due"),
    [
        (case(events={"mediation_declined": "2026-03-05", "certificate_issued": "2026-03-09"}), ["2026-05-05"], "2026-05-05"),
        ({"decision": {"type": "refuse_plan", "notice_sent": "2026-07-14"}}, ["2026-09-14"], "2026-09-14"),
        ({"decision": {"type": "refuse_plan", "notice_sent": "2026-06-30"}}, ["2026-09-01", "2026-09-02"], "2026-09-01"),
        ({"decision": {"type": "refuse_plan", "notice_sent": "2026-10-28"}}, ["2027-01-04"], "2027-01-04"),
    ],
)  # fmt: skip
def test_1_extra_closure_days_never_move_the_appeal_deadline(
    given_case: dict[str, Any], closures: list[str], appeal_due: str
) -> None:
    output = ok({**given_case, "extra_closure_days": closures})
    assert dues(output)["appeal_deadline"] == appeal_due
    appeal = output["deadlines"][-1]
    assert "Service closure day" not in appeal["explanation"]


def test_1_extra_closure_days_still_move_the_service_s_deadlines() -> None:
    output = ok(
        case(
            events={"mediation_declined": "2026-03-05", "meeting_date": "2026-03-16"},
            extra_closure_days=["2026-03-09"],
        )
    )
    assert dues(output)["certificate_due_after_decline"] == "2026-03-11"
    assert dues(output)["meeting_notice_by"] == "2026-03-06"


# ---- change 2: no deemed certificate on a health-only case -----------------------------------------


@pytest.mark.parametrize(
    ("issues", "deemed"),
    [(["health"], None), (["education"], "2026-06-04"), (["health", "social_care"], "2026-06-04")],
)
def test_2_no_deemed_certificate_on_a_health_only_case(
    issues: list[str], deemed: str | None
) -> None:
    output = ok(case(issues=issues, events={"la_unable_to_arrange_notified": "2026-06-01"}))
    assert dues(output).get("certificate_due_deemed") == deemed
    warnings = [
        w for w in output["warnings"] if w["field"] == "events.la_unable_to_arrange_notified"
    ]
    assert len(warnings) == (deemed is None)


# ---- change 3: a certificate that may not be issued extends nothing ---------------------------------


def test_3_late_contact_lists_neither_barred_certificate_and_does_not_extend_the_appeal() -> None:
    output = ok(
        case(
            events={
                "adviser_contacted": "2026-05-04",
                "mediation_declined": "2026-05-05",
                "la_informed": "2026-05-05",
                "la_unable_to_arrange_notified": "2026-05-06",
                "certificate_issued": "2026-07-20",
            },
        )
    )
    assert output["certificate"] == {"required": True, "allowed": False}
    assert "certificate_due_after_decline" not in dues(output)
    assert "certificate_due_deemed" not in dues(output)
    appeal = output["deadlines"][-1]
    assert (appeal["code"], appeal["due"], appeal["from"]) == (
        "appeal_deadline",
        "2026-05-05",
        "decision.notice_sent",
    )
    (warning,) = [w for w in output["warnings"] if w["field"] == "events.adviser_contacted"]
    assert "permission to appeal late" in warning["message"]
    assert "advice" in warning["message"]


# ---- change 4: the new clocks and input keys -------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "events", "code", "due"),
    [
        ({}, {"meeting_date": "2026-06-15"}, "meeting_notice_by", "2026-06-08"),
        ({"short_notice_agreed": False}, {"meeting_date": "2026-06-15"}, "meeting_notice_by", "2026-06-08"),
        ({"short_notice_agreed": None}, {"meeting_date": "2026-06-15"}, "meeting_notice_by", "2026-06-08"),
        ({"short_notice_agreed": True}, {"meeting_date": "2026-06-15"}, "meeting_notice_by", None),
        ({}, {"meeting_date": "2026-09-03"}, "meeting_notice_by", "2026-08-26"),
        ({"issues": ["health"], "la_not_a_party": True}, {"agreement_made": "2026-06-10"}, "health_body_tells_la_by", "2026-06-17"),
        ({"issues": ["health"], "la_not_a_party": False}, {"agreement_made": "2026-06-10"}, "health_body_tells_la_by", None),
        ({"issues": ["health"], "la_not_a_party": None}, {"agreement_made": "2026-06-10"}, "health_body_tells_la_by", None),
        ({"issues": ["health"]}, {"agreement_made": "2026-06-10"}, "health_body_tells_la_by", None),
        ({"issues": ["health"], "la_not_a_party": True}, {}, "health_body_tells_la_by", None),
    ],
)  # fmt: skip
def test_4_new_clocks(
    extra: dict[str, Any], events: dict[str, str], code: str, due: str | None
) -> None:
    output = ok(case(events=events, **extra))
    assert dues(output).get(code) == due
    if due is not None:
        found = {d["code"]: d for d in output["deadlines"]}[code]
        assert found["from"] == f"events.{next(iter(events))}"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"short_notice_agreed": 1}, "short_notice_agreed", "Must be true or false"),
        ({"short_notice_agreed": "true"}, "short_notice_agreed", "Must be true or false"),
        ({"short_notice_agreed": []}, "short_notice_agreed", "Must be true or false"),
        ({"la_not_a_party": 0}, "la_not_a_party", "Must be true or false"),
        ({"la_not_a_party": {"yes": True}}, "la_not_a_party", "Must be true or false"),
        ({"events": {"meeting_date": "2026-02-30"}}, "events.meeting_date", "Enter a real date in the form YYYY-MM-DD"),
        ({"events": {"meeting_date": 20260615}}, "events.meeting_date", "Enter a real date in the form YYYY-MM-DD"),
        ({"events": {"meeting_date": True}}, "events.meeting_date", "Enter a real date in the form YYYY-MM-DD"),
        ({"events": {"meeting_date": "1969-12-31"}}, "events.meeting_date", "Enter a date between 1970-01-01 and 2199-12-31"),
        ({"events": {"meeting": "2026-06-15"}}, "events.meeting", "Unknown field"),
        ({"short_notice": True}, "short_notice", "Unknown field"),
    ],
)  # fmt: skip
def test_4_new_keys_are_type_checked(changes: dict[str, Any], field: str, message: str) -> None:
    code, output = call(case(**changes))
    assert code == 2
    assert {"field": field, "message": message} in output["errors"]


def test_4_version_1_input_gives_version_1_answers() -> None:
    # The full version 1 case (no closure days, contact in time, mixed issues): same dates.
    output = ok(
        case(
            issues=["health", "social_care"],
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
            agreed_actions=[{"id": "Z9", "kind": "make_plan"}],
        )
    )
    assert dues(output) == {
        "adviser_contact_window_ends": "2026-05-02",
        "certificate_due_after_decline": "2026-03-09",
        "health_bodies_notified_by": "2026-03-10",
        "mediation_by": "2026-04-04",
        "certificate_due_deemed": "2026-04-02",
        "certificate_due_after_mediation": "2026-04-08",  # Good Friday, Easter Monday
        "outcome_statement_circulated_by": "2026-04-08",
        "appeal_deadline": "2026-05-05",
        "agreed_action_due:Z9": "2026-05-06",
    }
    assert output["warnings"] == []


# ---- change 5: warnings for people ----------------------------------------------------------------


def test_5_warning_objects_have_exactly_field_and_message() -> None:
    output = ok(case(events={"la_informed": "2026-06-01", "mediation_held": "2026-05-01"}))
    assert output["warnings"] == [
        {
            "field": "events.mediation_held",
            "message": "The date the meeting was held must be on or after the day the LA was "
            "told the family wants mediation, Monday 1 June 2026.",
        }
    ]


# ---- bad input in plain words, and no traceback ever ------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n\t ",
        b"\xff\xfe\x00{",
        b"\xc3\x28",
        b"{",
        b"}",
        b'{"decision": }',
        b"{'decision': 1}",
        b'{"decision": 1,}',
        b'{"a" 1}',
        b'{"a": "\\q"}',
        b'{"a": "\\u12"}',
        b'{"a": "line\nbreak"}',
        b"NaN",
        b"-Infinity",
        b"1" * 5000,
        b'{"decision": ' + b"9" * 10_000 + b"}",
        b"[" * 100_000,
        b'{"a":' * 50_000,
        b"{} {}",
        b"null",
        b"[]",
        b'"text"',
        b"1e999",
        b"-0",
    ],
)
def test_bad_bytes_get_a_plain_message_and_exit_2(raw: bytes) -> None:
    code, text = run(raw)
    assert code == 2
    output = json.loads(text)
    for error in output["errors"]:
        assert not PYTHON_INTERNALS.search(error["message"]), error["message"]
        assert error["message"][0].isupper()


@pytest.mark.parametrize(
    "value",
    [
        case(decision={"type": "plan_contents", "notice_sent": 2026}),
        case(decision={"type": 7, "notice_sent": "2026-03-02"}),
        case(decision={"type": ["plan_contents"], "notice_sent": ["2026-03-02"]}),
        case(decision={"type": {"a": 1}, "notice_sent": None, "section_i_only": "no"}),
        case(issues=[[], {}, 1, None, 1e308]),
        case(events={"la_informed": 10**30}),
        case(events={"la_informed": -1.5e300}),
        case(events="2026-03-02"),
        case(agreed_actions=[{"id": {"x": 1}, "kind": ["assessment"], "agreed_due": 5}]),
        case(agreed_actions=[None, 3, "A1", [], {}]),
        case(extra_closure_days={"2026-03-02": True}),
        case(extra_closure_days=[1, 2.5, None, True, [], {}]),
        case(short_notice_agreed=10**40, la_not_a_party=-0.0),
        {"decision": None, "events": None, "agreed_actions": None},
    ],
)
def test_wrong_types_get_plain_messages(value: dict[str, Any]) -> None:
    code, output = call(value)
    assert code == 2
    for error in output["errors"]:
        assert not PYTHON_INTERNALS.search(error["message"]), error
        assert error["message"]


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.sampled_from(["2026-03-02", "2026-02-30", "health", "plan_contents", "A1", "make_plan"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "decision",
                    "type",
                    "notice_sent",
                    "events",
                    "issues",
                    "meeting_date",
                    "short_notice_agreed",
                    "la_not_a_party",
                    "agreed_actions",
                    "extra_closure_days",
                    "id",
                    "kind",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)
NEAR_VALID = st.fixed_dictionaries(
    {"decision": st.fixed_dictionaries({"type": st.just("refuse_plan"), "notice_sent": st.just("2026-03-02")})},
    optional={
        "issues": st.lists(st.sampled_from(["education", "health", "social_care"]) | JSON_SCALARS, max_size=3),
        "events": st.dictionaries(
            st.sampled_from(["meeting_date", "agreement_made", "la_unable_to_arrange_notified", "adviser_contacted"]),
            st.dates().map(lambda d: d.isoformat()) | JSON_SCALARS,
        ),
        "short_notice_agreed": st.booleans() | JSON_SCALARS,
        "la_not_a_party": st.booleans() | JSON_SCALARS,
        "extra_closure_days": st.lists(st.dates().map(lambda d: d.isoformat()) | JSON_SCALARS, max_size=3),
    },
)  # fmt: skip


def assert_answered(code: int, text: str) -> None:
    assert code in (0, 2)
    output = json.loads(text)
    if code == 2:
        assert list(output) == ["errors"] and output["errors"]
        for error in output["errors"]:
            assert set(error) == {"field", "message"}
            assert not PYTHON_INTERNALS.search(error["message"]), error
            assert error["message"] != "The input could not be processed"  # the last resort
    else:
        assert list(output) == ["deadlines", "certificate", "warnings"]
        for warning in output["warnings"]:
            assert list(warning) == ["field", "message"]
            assert not FIELD_PATH.search(warning["message"]), warning


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES | NEAR_VALID)
def test_fuzz_any_json(value: Any) -> None:
    assert_answered(*run(json.dumps(value).encode()))


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(value=NEAR_VALID)
def test_fuzz_near_valid_version_2_cases(value: Any) -> None:
    assert_answered(*run(json.dumps(value).encode()))


@settings(max_examples=200)
@given(raw=st.binary(max_size=300))
def test_fuzz_bytes(raw: bytes) -> None:
    assert_answered(*run(raw))


@settings(max_examples=100)
@given(
    depth=st.integers(1, 3000),
    opener=st.sampled_from([b"[", b'{"a":', b'{"decision":']),
    digits=st.integers(1, 6000),
)
def test_fuzz_deep_nesting_and_long_numbers(depth: int, opener: bytes, digits: int) -> None:
    closer = b"]" if opener == b"[" else b"}"
    assert_answered(*run(opener * depth + b"1" * digits + closer * depth))
    assert_answered(*run(opener * depth))  # cut off


# ---- the installed command, through real pipes --------------------------------------------------


@pytest.mark.parametrize(
    "stdin",
    [
        b"",
        b"\xff\xfe",
        b"[" * 200_000,
        b"9" * 20_000,
        json.dumps(case(la_not_a_party="yes")).encode(),
    ],
)
def test_installed_command_never_prints_a_traceback(stdin: bytes) -> None:
    result = subprocess.run([str(COMMAND)], input=stdin, capture_output=True, check=False)
    assert result.returncode == 2
    assert result.stderr == b""
    output = json.loads(result.stdout)
    assert output["errors"]
    for error in output["errors"]:
        assert not PYTHON_INTERNALS.search(error["message"])


def test_installed_command_answers_a_version_2_case() -> None:
    stdin = json.dumps(
        case(
            issues=["health"],
            events={"meeting_date": "2026-06-15", "agreement_made": "2026-06-15"},
            la_not_a_party=True,
            extra_closure_days=["2026-06-10"],
        )
    ).encode()
    result = subprocess.run([str(COMMAND)], input=stdin, capture_output=True, check=False)
    assert (result.returncode, result.stderr) == (0, b"")
    output = json.loads(result.stdout)
    assert dues(output)["meeting_notice_by"] == "2026-06-05"  # Wed 10 Jun closed
    assert dues(output)["health_body_tells_la_by"] == "2026-06-22"
