"""The health check for the load balancer and monitoring."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_http_methods

from mediation.ops.health import health_now


@require_http_methods(["GET", "HEAD"])
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, a worker reported lately and no task waits too long;
    503 otherwise. Open to anyone: it holds no personal data."""
    health = health_now()
    return JsonResponse(health.as_dict(), status=200 if health.healthy else 503)
