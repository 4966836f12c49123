"""Who sees which uploads and which of a child's views.

Staff (decided for the case, as everywhere: a case they cannot see gives nothing):
- case officers, managers and administrators see every upload and every child's views on the
  case, including views the child asked to be seen "only by the mediator": the case officers
  take those views on the phone, pass them to the mediator and handle any safeguarding concern
  in them (docs/adr/0013-uploads-type-detection-and-storage.md). The page marks them clearly.
- the assigned mediator sees the same on their case; other mediators see nothing.

Parties (the portal):
- a party sees its own uploads and those staff shared with the parties, never a removed one;
- views the child asked to keep for the mediator, and their attachments, are never shown to a
  party other than the one who sent them (sharing them is refused by upload_share as well);
- `case_child_views(for_party=...)` gives a child or young person the views they sent themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest

from mediation.accounts.models import User
from mediation.audit.reads import access_one
from mediation.cases.models import Case, Party
from mediation.cases.selectors import access_case
from mediation.uploads.models import ChildViews, ShareWith, Upload

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class LiveAttachments(TypedDict):
    live_attachments: list[Upload]  # the files not removed, oldest first (prefetched)


def staff_may_see_case(user: User, case: Case) -> bool:
    """The same rule as cases.selectors.case_list_for_user, for a case already in hand."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.sees_all_cases or (case.mediator_id is not None and case.mediator_id == user.pk)


def _uploads(case: Case) -> QuerySet[Upload]:
    return (
        Upload.objects.filter(case=case, removed_at__isnull=True)
        .select_related("uploaded_by_user", "uploaded_by_party", "child_views")
        .order_by("-created_at", "-id")
    )


def case_uploads(
    case: Case, *, for_user: User | None = None, for_party: Party | None = None
) -> QuerySet[Upload]:
    if (for_user is None) == (for_party is None):
        raise ValueError("Give exactly one of for_user and for_party")
    if for_user is not None:
        return _uploads(case) if staff_may_see_case(for_user, case) else Upload.objects.none()
    assert for_party is not None
    if for_party.case_id != case.pk:
        return Upload.objects.none()
    return _uploads(case).filter(
        Q(uploaded_by_party=for_party)
        | (Q(shared_with_parties=True) & ~Q(child_views__share_with=ShareWith.MEDIATOR_ONLY))
    )


def case_child_views(
    case: Case, *, for_user: User | None = None, for_party: Party | None = None
) -> QuerySet[WithAnnotations[ChildViews, LiveAttachments]]:
    """Staff on the case see every view; a party (the portal) sees only the views it sent."""
    if (for_user is None) == (for_party is None):
        raise ValueError("Give exactly one of for_user and for_party")
    attachments = Upload.objects.filter(removed_at__isnull=True).order_by("created_at", "id")
    views = ChildViews.objects.filter(case=case)
    if for_user is not None and not staff_may_see_case(for_user, case):
        views = ChildViews.objects.none()
    elif for_party is not None:
        if for_party.case_id != case.pk:
            views = ChildViews.objects.none()
        else:
            views = views.filter(submitted_via_party=for_party)
    return (
        views.select_related("recorded_by_user", "submitted_via_party")
        .prefetch_related(Prefetch("attachments", queryset=attachments, to_attr="live_attachments"))
        .order_by("-created_at", "-id")
    )


def access_upload(
    *, user: User, reference: str, upload_id: int, request: HttpRequest | None = None
) -> Upload:
    """The upload if the user may see its case (a 404 otherwise, as for a removed upload)."""
    case = access_case(user=user, reference=reference, request=request)
    upload = access_one(_uploads(case), upload_id, not_found="No file found")
    upload.case = case
    return upload
