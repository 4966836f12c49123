"""Every call to the LA API is audited, after its answer is known: the token as the actor
("api:token:12"), the operation, the case it was about and the status. A call without a usable
token is audited too (no actor), limited per client address by the API itself."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from mediation.audit.services import audit_record

API_PREFIX = "/api/v1/"
# The schema and its documentation page are public and hold no data: not audited.
NOT_AUDITED = ("/api/v1/openapi.json", "/api/v1/docs")


class ApiCallAuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX) and not request.path.startswith(NOT_AUDITED):
            system = getattr(request, "api_system", None)
            match = request.resolver_match
            detail: dict[str, object] = {
                "method": request.method or "",
                "operation": match.url_name if match else "",
                "status": response.status_code,
            }
            reference = getattr(request, "api_reference", None)
            if reference:
                detail["reference"] = reference
            audit_record(
                actor=system,
                verb="api.call" if system is not None else "api.refused",
                case_id=getattr(request, "api_case_id", None),
                request=request,
                detail=detail,
            )
        return response
