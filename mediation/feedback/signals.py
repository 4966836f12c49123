"""A case that closes asks everyone who took part what they thought: the survey is sent by the
task worker once the closing is committed (a closing rolled back asks nobody). Connected by
FeedbackConfig.ready; the workflow, below this app, knows nothing of it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from mediation.cases.models import CaseStatusChange
from mediation.common.dispatch import enqueue_on_commit
from mediation.domain.case_states import CaseState


def _case_closed(sender: Any, instance: CaseStatusChange, created: bool, **kwargs: Any) -> None:
    if created and instance.to_state == CaseState.CLOSED:
        enqueue_on_commit("mediation.feedback.tasks.survey_invite_task", case_id=instance.case_id)


def connect_signals() -> None:
    post_save.connect(_case_closed, sender=CaseStatusChange, dispatch_uid="feedback.case_closed")
