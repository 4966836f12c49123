"""`mediation-deadlines`: every statutory date of one case, as JSON in and JSON out.

Implements the command's contract, version 2 (restated in docs/domain/deadlines-contract.md):

    .venv/bin/mediation-deadlines < case.json > deadlines.json

Exit 0 with {"deadlines": [...], "certificate": {...}, "warnings": [{"field", "message"}...]} on
success; exit 2 with {"errors": [{"field": "...", "message": "..."}]} on bad input, having
computed nothing. Every error in the input is reported, not just the first, each with a dotted
path to the field ("events.la_informed", "agreed_actions[0].kind"; "" for the input as a whole)
and a message in plain words (never a Python message such as "invalid literal for int()").
No input, however malformed, produces a traceback.

The arithmetic lives in `mediation.domain.deadlines`, the same code the web app calls; this
module only parses, validates, loads the bank holidays and formats.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVar

from mediation.bank_holidays import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR, calendar_for
from mediation.domain.deadlines import (
    ActionKind,
    AgreedAction,
    CaseEvent,
    CaseFacts,
    DeadlineReport,
    DecisionType,
    IssueKind,
    compute_deadlines,
)
from mediation.domain.decisions import APPEALABLE_DECISIONS

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "FieldError", "main", "parse_case", "run"]

EXIT_OK: Final = 0
EXIT_BAD_INPUT: Final = 2

USAGE: Final = """\
usage: mediation-deadlines < case.json > deadlines.json

Reads one JSON object describing a case on standard input and writes its statutory deadlines
as one JSON object on standard output. Exit 0 on success, 2 on bad input (with
{"errors": [{"field": ..., "message": ...}]}). See docs/domain/deadlines-contract.md.
"""

MIN_DATE: Final = date(FIRST_SUPPORTED_YEAR, 1, 1)
MAX_DATE: Final = date(LAST_SUPPORTED_YEAR, 12, 31)

# Strict YYYY-MM-DD with ASCII digits only ("\d" would also accept other scripts' digits, and
# date.fromisoformat accepts "20260302" and week dates).
_DATE_PATTERN: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

MESSAGE_REQUIRED: Final = "This field is required"
MESSAGE_UNKNOWN_FIELD: Final = "Unknown field"
MESSAGE_REPEATED_FIELD: Final = "This field is given more than once"
MESSAGE_OBJECT: Final = "Must be a JSON object"
MESSAGE_DATE: Final = "Enter a real date in the form YYYY-MM-DD"
MESSAGE_DATE_RANGE: Final = (
    f"Enter a date between {MIN_DATE.isoformat()} and {MAX_DATE.isoformat()}"
)


_ROOT_FIELDS: Final = (
    "decision",
    "issues",
    "events",
    "agreed_actions",
    "extra_closure_days",
    "short_notice_agreed",
    "la_not_a_party",
)


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass(frozen=True)
class ParsedCase:
    facts: CaseFacts
    extra_closure_days: tuple[date, ...]


class _JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers keys given more than once (JSON allows it; a case
    file with two "notice_sent" values is ambiguous, so it is an error here)."""

    repeated_keys: tuple[str, ...] = ()


def _object_from_pairs(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject()
    repeated: list[str] = []
    for key, value in pairs:
        if key in result and key not in repeated:
            repeated.append(key)
        result[key] = value
    result.repeated_keys = tuple(repeated)
    return result


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


_Enum = TypeVar("_Enum", bound=StrEnum)


class _Validator:
    """Walks the decoded input, collecting every error with the path of the field at fault."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    def json_object(
        self, value: object, path: str, allowed: Iterable[str]
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.error(path, MESSAGE_OBJECT)
            return None
        allowed = set(allowed)
        for key in getattr(value, "repeated_keys", ()):
            self.error(_child(path, key), MESSAGE_REPEATED_FIELD)
        for key in value:
            if key not in allowed:
                self.error(_child(path, key), MESSAGE_UNKNOWN_FIELD)
        return value

    def json_array(self, value: object, path: str, what: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.error(path, f"Must be a list of {what}")
            return None
        return value

    def iso_date(self, value: object, path: str) -> date | None:
        if not isinstance(value, str) or not _DATE_PATTERN.fullmatch(value):
            self.error(path, MESSAGE_DATE)
            return None
        try:
            day = date(int(value[0:4]), int(value[5:7]), int(value[8:10]))
        except ValueError:  # 2026-02-30, 2026-13-01, 0000-01-01
            self.error(path, MESSAGE_DATE)
            return None
        if not MIN_DATE <= day <= MAX_DATE:
            self.error(path, MESSAGE_DATE_RANGE)
            return None
        return day

    def choice(self, value: object, path: str, members: Iterable[_Enum]) -> _Enum | None:
        # `members`: an enum, or the allowed part of one. Only strings are compared, so an
        # unhashable value (a list) is refused like any other.
        allowed = list(members)
        for member in allowed:
            if isinstance(value, str) and value == member.value:
                return member
        self.error(path, "Must be one of: " + ", ".join(member.value for member in allowed))
        return None

    def boolean(self, value: object, path: str) -> bool | None:
        # JSON true/false only: 0, 1 and "true" are refused. (In Python bool is a subclass of
        # int, so the check must be on bool, never on int.) null never gets here: like a
        # missing field, it means "not given".
        if isinstance(value, bool):
            return value
        self.error(path, "Must be true or false")
        return None


def parse_case(data: object) -> tuple[ParsedCase | None, list[FieldError]]:
    """Validate decoded JSON against the contract's input shape.

    Returns the case, or None and every error found. Optional fields may be absent or null.
    """
    check = _Validator()
    root = check.json_object(data, "", _ROOT_FIELDS)
    if root is None:
        return None, check.errors

    decision_type: DecisionType | None = None
    notice_sent: date | None = None
    section_i_only: bool | None = False
    if root.get("decision") is None:
        check.error("decision", MESSAGE_REQUIRED)
    else:
        decision = check.json_object(
            root["decision"], "decision", ("type", "section_i_only", "notice_sent")
        )
        if decision is not None:
            if decision.get("type") is None:
                check.error("decision.type", MESSAGE_REQUIRED)
            else:
                decision_type = check.choice(
                    decision["type"], "decision.type", APPEALABLE_DECISIONS
                )
            if decision.get("notice_sent") is None:
                check.error("decision.notice_sent", MESSAGE_REQUIRED)
            else:
                notice_sent = check.iso_date(decision["notice_sent"], "decision.notice_sent")
            # Optional fields may be absent or null; both mean "not given".
            if decision.get("section_i_only") is not None:
                section_i_only = check.boolean(
                    decision["section_i_only"], "decision.section_i_only"
                )

    issues = _parse_issues(check, root.get("issues"))
    events = _parse_events(check, root.get("events"))
    actions = _parse_actions(check, root.get("agreed_actions"))
    closure_days = _parse_closure_days(check, root.get("extra_closure_days"))
    # Contract version 2: two top-level flags, false unless given (null is "not given").
    short_notice_agreed = _parse_flag(check, root, "short_notice_agreed")
    la_not_a_party = _parse_flag(check, root, "la_not_a_party")

    if check.errors:
        return None, check.errors
    assert decision_type is not None and notice_sent is not None and section_i_only is not None
    assert issues is not None and events is not None and actions is not None
    assert closure_days is not None
    assert short_notice_agreed is not None and la_not_a_party is not None
    facts = CaseFacts(
        decision_type=decision_type,
        notice_sent=notice_sent,
        section_i_only=section_i_only,
        issues=issues,
        events=events,
        agreed_actions=actions,
        short_notice_agreed=short_notice_agreed,
        la_not_a_party=la_not_a_party,
    )
    return ParsedCase(facts, closure_days), []


def _parse_flag(check: _Validator, root: dict[str, Any], name: str) -> bool | None:
    value = root.get(name)
    if value is None:
        return False
    return check.boolean(value, name)


def _parse_issues(check: _Validator, value: object) -> frozenset[IssueKind] | None:
    if value is None:
        return frozenset({IssueKind.EDUCATION})  # the contract's default
    items = check.json_array(value, "issues", "issues (education, health, social_care)")
    if items is None:
        return None
    if not items:
        check.error(
            "issues", "Give at least one issue, or leave the field out to mean education only"
        )
        return None
    # Repeats are harmless: issues are a set.
    parsed = [check.choice(item, f"issues[{index}]", IssueKind) for index, item in enumerate(items)]
    return frozenset(issue for issue in parsed if issue is not None)


def _parse_events(check: _Validator, value: object) -> dict[CaseEvent, date] | None:
    if value is None:
        return {}
    events = check.json_object(value, "events", (event.value for event in CaseEvent))
    if events is None:
        return None
    parsed: dict[CaseEvent, date] = {}
    for event in CaseEvent:
        if events.get(event.value) is not None:
            day = check.iso_date(events[event.value], f"events.{event.value}")
            if day is not None:
                parsed[event] = day
    return parsed


def _parse_actions(check: _Validator, value: object) -> tuple[AgreedAction, ...] | None:
    if value is None:
        return ()
    items = check.json_array(value, "agreed_actions", "agreed actions")
    if items is None:
        return None
    actions: list[AgreedAction] = []
    first_index_of: dict[str, int] = {}
    for index, item in enumerate(items):
        path = f"agreed_actions[{index}]"
        action = check.json_object(item, path, ("id", "kind", "agreed_due"))
        if action is None:
            continue
        action_id = action.get("id")
        if action_id is None:
            check.error(f"{path}.id", MESSAGE_REQUIRED)
        elif not isinstance(action_id, str) or not action_id.strip():
            check.error(f"{path}.id", "Must be a non-empty string")
            action_id = None
        elif action_id in first_index_of:
            check.error(
                f"{path}.id",
                f"Each agreed action needs its own id; this one is already used by "
                f"agreed_actions[{first_index_of[action_id]}]",
            )
            action_id = None
        else:
            first_index_of[action_id] = index
        kind = None
        if action.get("kind") is None:
            check.error(f"{path}.kind", MESSAGE_REQUIRED)
        else:
            kind = check.choice(action["kind"], f"{path}.kind", ActionKind)
        agreed_due = None
        if action.get("agreed_due") is not None:
            agreed_due = check.iso_date(action["agreed_due"], f"{path}.agreed_due")
        if action_id is not None and kind is not None:
            actions.append(AgreedAction(id=action_id, kind=kind, agreed_due=agreed_due))
    return tuple(actions)


def _parse_closure_days(check: _Validator, value: object) -> tuple[date, ...] | None:
    if value is None:
        return ()
    items = check.json_array(value, "extra_closure_days", "dates in the form YYYY-MM-DD")
    if items is None:
        return None
    days = [
        check.iso_date(item, f"extra_closure_days[{index}]") for index, item in enumerate(items)
    ]
    return tuple(day for day in days if day is not None)


# The json module's messages, in plain words. Anything else gets the general sentence.
_JSON_PROBLEMS: Final = {
    "Expecting value": "a value is missing, or is not written the way JSON writes values",
    "Expecting property name enclosed in double quotes": "each field name must be in double quotes",
    "Expecting ',' delimiter": "a comma is missing between two items",
    "Expecting ':' delimiter": "a colon is missing after a field name",
    "Unterminated string starting at": "a piece of text has no closing double quote",
    "Invalid control character at": (
        "a piece of text has a control character, such as a line break, inside its quotes"
    ),
    "Invalid \\escape": "a piece of text has a backslash that does not start a valid escape",
    "Invalid \\uXXXX escape": (
        "a piece of text has a backslash-u escape without four hexadecimal digits"
    ),
    "Extra data": "there is more after the first JSON value: send exactly one object",
}


class _NotANumber(ValueError):
    """NaN or Infinity in the input: Python's json module accepts them; JSON does not."""


def _reject_constant(name: str) -> Any:
    raise _NotANumber(name)


def _not_json(problem: str) -> list[FieldError]:
    return [FieldError("", f"The input is not valid JSON: {problem}.")]


def decode(raw: bytes) -> tuple[object, list[FieldError]]:
    """Bytes -> one decoded JSON value, or the reason it is not one, in plain words."""
    try:
        # A UTF-8 byte-order mark is tolerated (some Windows editors add one); anything that
        # is not UTF-8 is refused rather than guessed at.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [FieldError("", "The input is not UTF-8 text")]
    if not text.strip():
        return None, [FieldError("", "No input: send one JSON object on standard input")]
    try:
        return (
            json.loads(text, object_pairs_hook=_object_from_pairs, parse_constant=_reject_constant),
            [],
        )
    except json.JSONDecodeError as error:
        problem = _JSON_PROBLEMS.get(error.msg, "it could not be read")
        return None, _not_json(f"{problem} (line {error.lineno}, column {error.colno})")
    except RecursionError:
        return None, _not_json("it is nested too deeply")
    except _NotANumber:
        return None, _not_json("NaN and Infinity are not numbers in JSON")
    except ValueError:
        # The one other ValueError json.loads raises: an integer longer than Python converts
        # (4,300 digits by default). Its own message names a Python setting, so say it plainly.
        return None, _not_json("a number has too many digits")


def report_to_json(report: DeadlineReport) -> dict[str, Any]:
    """The contract's output object."""
    return {
        "deadlines": [
            {
                "code": deadline.code,
                "due": deadline.due.isoformat(),
                "rule": deadline.rule,
                "from": deadline.from_,
                "explanation": deadline.explanation,
            }
            for deadline in report.deadlines
        ],
        "certificate": {
            "required": report.certificate_required,
            "allowed": report.certificate_allowed,
        },
        "warnings": [
            {"field": warning.field, "message": warning.message} for warning in report.warnings
        ],
    }


def _errors_json(errors: Sequence[FieldError]) -> str:
    return _dump({"errors": [{"field": e.field, "message": e.message} for e in errors]})


def _dump(value: object) -> str:
    # ensure_ascii: the output is plain ASCII whatever the input held (even lone surrogates
    # in an unknown field's name), so it can always be written and always parses.
    return json.dumps(value, indent=2, ensure_ascii=True)


def _compute(raw: bytes) -> tuple[int, str]:
    data, errors = decode(raw)
    if errors:
        return EXIT_BAD_INPUT, _errors_json(errors)
    parsed, errors = parse_case(data)
    if parsed is None:
        return EXIT_BAD_INPUT, _errors_json(errors)
    facts = parsed.facts
    case_dates = [facts.notice_sent, *facts.events.values()]
    case_dates += [a.agreed_due for a in facts.agreed_actions if a.agreed_due is not None]
    calendar = calendar_for(case_dates, extra_closure_days=parsed.extra_closure_days)
    return EXIT_OK, _dump(report_to_json(compute_deadlines(facts, calendar)))


def run(raw: bytes) -> tuple[int, str]:
    """The whole command minus the I/O: stdin bytes -> (exit code, stdout text)."""
    try:
        return _compute(raw)
    except Exception:  # last resort: the contract forbids a traceback on any input
        return EXIT_BAD_INPUT, _errors_json([FieldError("", "The input could not be processed")])


def main(argv: Sequence[str] | None = None) -> int:
    """Console-script entry point; returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"]):
        sys.stdout.write(USAGE)
        return EXIT_OK
    if args:
        code, text = (
            EXIT_BAD_INPUT,
            _errors_json(
                [FieldError("", "This command takes no arguments; send the case on standard input")]
            ),
        )
    else:
        try:
            raw = sys.stdin.buffer.read()
        except (AttributeError, OSError, ValueError):  # stdin closed or not a byte stream
            raw = b""
        code, text = run(raw)
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away. Point stdout at /dev/null so the interpreter's own flush at
        # exit does not print a second error (Python docs, "Note on SIGPIPE").
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    return code


if __name__ == "__main__":
    sys.exit(main())
