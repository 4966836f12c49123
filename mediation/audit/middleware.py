"""One audit event per request for what it showed or refused (mediation.audit.reads, ADR 0029)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from mediation.audit.reads import reads_begin, reads_end, reads_record


class ReadAuditMiddleware:
    """Gathers what the access selectors noted during the request, then writes its one read or
    refusal event. Placed after authentication (the actor) and inside every middleware that
    answers on its own (CSRF's 403 passes through here too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = reads_begin()
        try:
            response = self.get_response(request)
        finally:
            reads = reads_end(token)
        reads_record(request, response, reads)
        return response
