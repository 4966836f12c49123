"""Every task a service starts by name exists, and starts only once the change is committed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.utils.module_loading import import_string
from django_tasks.base import Task

import mediation
from mediation.common import dispatch
from mediation.common.dispatch import enqueue_on_commit

ROOT = Path(mediation.__file__).parent


def _task_names() -> set[str]:
    names = set()
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "enqueue_on_commit"
                and node.args
            ):
                name = node.args[0]
                assert isinstance(name, ast.Constant) and isinstance(name.value, str), (
                    f"{path}: name the task literally"
                )
                names.add(name.value)
    return names


def test_every_task_started_by_name_is_a_task():
    names = _task_names()
    assert {
        "mediation.deadlines.tasks.calendar_change_task",
        "mediation.notifications.tasks.send_message_task",
        "mediation.reports.tasks.quarterly_report_task",
    } <= names
    for name in names:
        assert isinstance(import_string(name), Task), name


@pytest.mark.django_db
def test_the_task_is_enqueued_after_the_commit_not_before(
    django_capture_on_commit_callbacks, monkeypatch
):
    started = []

    class Recorder:  # stands in for the task (a frozen dataclass, so not patched itself)
        def enqueue(self, **arguments: object) -> None:
            started.append(arguments)

    looked_up = []

    def look_up(name: str) -> Recorder:
        looked_up.append(name)
        return Recorder()

    monkeypatch.setattr(dispatch, "import_string", look_up)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("mediation.notifications.tasks.send_message_task", message_id=7)
        assert started == [] and looked_up == []
    assert looked_up == ["mediation.notifications.tasks.send_message_task"]
    assert started == [{"message_id": 7}]
