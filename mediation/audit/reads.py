"""Every read of personal data and every refusal: one audit event per request (ADR 0029).

Views do not write these events. The access selectors that find what a page shows note it
(`read_noted(party)`, `read_listed(cases)`), and a refusal of something that exists is noted
where it is found out (`refusal_noted`). `ReadAuditMiddleware` (mediation.audit.middleware)
opens a `RequestReads` for each request and, once the answer is known, writes at most one event
(`reads_record`):

- a page or file that shows what was noted (2xx, or a form shown again with its errors: 400,
  409, 422): `read` naming the most specific object noted (a party rather than its case), with
  its case and the page's URL name; a file sent as an attachment is `document.download`;
- a 403, always, and a 404 when the request named a real object (noted as read before the view
  refused, or noted as refused): `access.denied`, naming the object and its case. The visitor
  sees the same 404 page for "missing" and "forbidden"; only the log tells them apart.

The actor is the signed-in staff member unless the door set another (`reads_actor`): the portal
names the party ("portal:party:12"), an API its token. Outside a request (a task, a shell, a
selector called by a test) there is nothing to gather: a read is not recorded and a refusal is
written at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest, HttpResponseBase

from mediation.audit.services import audit_record

READ = "read"
DOWNLOAD = "document.download"
REFUSED = "access.denied"
# Answers that show the page (a form shown again with its errors shows it too).
SHOWN = frozenset({400, 409, 422})
# The most ids a list's event keeps (a page of results is 25 or 50 rows).
LISTED_MAX = 200

Model = TypeVar("Model", bound=models.Model)


@dataclass(frozen=True)
class Noted:
    object_type: str  # the model's label, "cases.party"
    object_id: str
    case_id: int | None


@dataclass
class RequestReads:
    """What one request found and refused, gathered for its one audit event."""

    actor: Any = None  # None: the request's user
    read_verb: str = READ
    objects: list[Noted] = field(default_factory=list)
    listed_type: str = ""
    listed_ids: list[int] = field(default_factory=list)
    refused: list[Noted] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


_current: ContextVar[RequestReads | None] = ContextVar("request_reads", default=None)


def reads_begin() -> object:
    """Start gathering for a request; give the token to `reads_end`."""
    return _current.set(RequestReads())


def reads_end(token: Any) -> RequestReads:
    reads = _current.get()
    _current.reset(token)
    assert reads is not None
    return reads


def current_reads() -> RequestReads | None:
    return _current.get()


def _case_id_of(obj: models.Model, case_id: int | None) -> int | None:
    if case_id is not None:
        return case_id
    if obj._meta.label_lower == "cases.case":
        return int(obj.pk)
    found = getattr(obj, "case_id", None)
    return int(found) if found is not None else None


def read_noted(obj: models.Model, *, case_id: int | None = None, **detail: Any) -> None:
    """The request shows `obj` (its case worked out from it when it has one). The last noted
    is the one the event names, so note the case before what is on it. `detail` is added to the
    event (no personal data: kinds, versions, hashes)."""
    reads = _current.get()
    if reads is None:
        return
    reads.objects.append(Noted(obj._meta.label_lower, str(obj.pk), _case_id_of(obj, case_id)))
    reads.detail.update(detail)


def read_listed(
    objects: Iterable[models.Model | int], *, model: type[models.Model], **detail: Any
) -> None:
    """The request shows a list of `model` rows (a page of search results, a work queue);
    `detail` may list other rows shown with them (ids only)."""
    reads = _current.get()
    if reads is None:
        return
    reads.detail.update(detail)
    reads.listed_type = model._meta.label_lower
    reads.listed_ids = [int(o if isinstance(o, int) else o.pk) for o in objects][:LISTED_MAX]


def refusal_noted(
    model: type[models.Model],
    pk: Any,
    *,
    case_id: int | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> None:
    """Someone was refused an object that exists. In a request it goes into the request's one
    refusal event; outside one it is written now (`actor` and `request` are used only then)."""
    noted = Noted(model._meta.label_lower, str(pk), case_id)
    reads = _current.get()
    if reads is not None:
        reads.refused.append(noted)
        reads.detail.update(detail)
        return
    audit_record(
        actor=actor,
        verb=REFUSED,
        case_id=case_id,
        request=request,
        detail=detail,
        target_label=(noted.object_type, noted.object_id),
    )


def reads_actor(actor: Any, *, verb: str = READ) -> None:
    """A door other than staff sign-in names who reads (the portal: "portal:party:12"; an API:
    its token), and may give its reads their own verb."""
    reads = _current.get()
    if reads is not None:
        reads.actor = actor
        reads.read_verb = verb


def access_one(
    rows: models.QuerySet[Model],
    pk: Any,
    *,
    not_found: str,
    case_id: int | None = None,
) -> Model:
    """The row `pk` among `rows` (already scoped to what the visitor may see), noted as read.

    Otherwise a 404 with `not_found`; if the row exists outside `rows` (another case's party,
    say) the refusal is noted, so probing shows up in the log while the visitor sees the same
    404 as for a row that does not exist."""
    try:
        found = rows.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        model = rows.model
        exists = _exists(model, pk)
        if exists:
            refusal_noted(model, pk, case_id=case_id)
        raise Http404(not_found) from None
    read_noted(found, case_id=case_id)
    return found


def _exists(model: type[models.Model], pk: Any) -> bool:
    try:
        return model._default_manager.filter(pk=pk).exists()
    except (ValueError, TypeError):
        return False


# Writing the request's event --------------------------------------------------------------


def _page_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else ""


def _actor(request: HttpRequest, reads: RequestReads) -> Any:
    if reads.actor is not None:
        return reads.actor
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _url_ids(request: HttpRequest) -> dict[str, Any]:
    """The ids in the refused URL (never a link's secret token)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return {}
    return {k: v for k, v in match.kwargs.items() if k != "token" and isinstance(v, int | str)}


def reads_record(request: HttpRequest, response: HttpResponseBase, reads: RequestReads) -> None:
    """Write the request's one event, if it has one (see the module's doc)."""
    status = response.status_code
    page = _page_name(request)
    if status == 403 or (status == 404 and (reads.refused or reads.objects)):
        named = (
            reads.refused[-1] if reads.refused else (reads.objects[-1] if reads.objects else None)
        )
        url_ids = _url_ids(request)
        audit_record(
            actor=_actor(request, reads),
            verb=REFUSED,
            case_id=named.case_id if named else None,
            request=request,
            detail={
                **reads.detail,
                "page": page,
                "status": status,
                **({"url": url_ids} if url_ids else {}),
            },
            target_label=(named.object_type, named.object_id) if named else None,
        )
        return
    shown = 200 <= status < 300 or status in SHOWN
    if not shown or not (reads.objects or reads.listed_type):
        return
    attachment = str(response.get("Content-Disposition", "")).startswith("attachment")
    verb = DOWNLOAD if attachment else reads.read_verb
    named = reads.objects[-1] if reads.objects else Noted(reads.listed_type, "", None)
    listed = {"listed": reads.listed_ids, "listed_type": reads.listed_type}
    audit_record(
        actor=_actor(request, reads),
        verb=verb,
        case_id=named.case_id,
        request=request,
        detail={**reads.detail, "page": page, **(listed if reads.listed_type else {})},
        target_label=(named.object_type, named.object_id),
    )
