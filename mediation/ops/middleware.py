"""A lost database connection answers "try again in a minute" (503), never a 500.

When the database goes away (a PostgreSQL restart or failover, a dropped connection), the
first query of a request raises OperationalError or InterfaceError. This middleware closes the
connections, so the next query connects afresh, and runs a read (GET, HEAD, OPTIONS) once more;
if that fails too, or the request was a change (a POST, which may have done part of its work
before the connection went), it answers a 503 page with Retry-After instead of a 500.

Errors raised by the view reach `process_exception`; errors raised by the middleware below this
one (the session, the sign-in checks) are turned into a 500 response there by Django, so the
`got_request_exception` signal marks the request and the 500 is replaced here.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError, connections
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

DATABASE_LOST = (OperationalError, InterfaceError)
RETRIED_METHODS = {"GET", "HEAD", "OPTIONS"}
RETRY_AFTER_SECONDS = 60
_MARK = "_database_lost"


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:  # noqa: BLE001 (a dead connection may fail to close; it is dropped anyway)
            connection.connection = None


def database_unavailable_response() -> HttpResponse:
    # Rendered without the request: no context processor may touch the database.
    response = HttpResponse(render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@receiver(got_request_exception)
def _mark_lost_connection(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, DATABASE_LOST):
        setattr(request, _MARK, error)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _MARK, None) is None:
            return response
        _close_connections()
        if request.method in RETRIED_METHODS:
            logger.warning("Database connection lost during %s; trying once more", request.path)
            setattr(request, _MARK, None)
            response = self.get_response(request)
            if getattr(request, _MARK, None) is None:
                return response
            _close_connections()
        logger.error("Database unavailable: answered 503 to %s %s", request.method, request.path)
        return database_unavailable_response()

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_LOST):
            setattr(request, _MARK, exception)
            return HttpResponse(status=503)  # replaced in __call__ (retried, or the 503 page)
        return None
