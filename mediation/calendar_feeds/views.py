"""The calendar subscription page (every staff member) and the feed itself (by its token).

The feed's address holds the token, so calendar programs can read it without signing in; it
answers 404 for a token that is not (or no longer) one, and never shows a name."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from mediation.accounts.types import AuthenticatedHttpRequest
from mediation.common.views import staff_view

from .models import CalendarFeed
from .selectors import feed_ics, feed_meetings
from .services import feed_find, feed_new_address, feed_read, feed_turn_off


def _addresses(token: str) -> dict[str, str]:
    https = f"{settings.SITE_URL}{reverse('calendar_feeds:feed', args=[token])}"
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}


@staff_view()
def subscription(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "calendar_feeds/subscription.html", {"feed": feed})


@staff_view()
@require_POST
def new_address(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Turn the subscription on, or replace its address; the new address is shown once."""
    had_one = CalendarFeed.objects.filter(user=request.user).exists()
    token = feed_new_address(user=request.user, request=request)
    feed = CalendarFeed.objects.get(user=request.user)
    return render(
        request,
        "calendar_feeds/subscription.html",
        {"feed": feed, "addresses": _addresses(token), "replaced": had_one},
    )


@staff_view()
@require_POST
def turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    if feed_turn_off(user=request.user, request=request):
        messages.success(request, "Calendar subscription turned off: its address no longer works")
    return redirect("calendar_feeds:subscription")


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    found = feed_find(token)
    if found is None:
        raise Http404
    meetings = feed_meetings(found.user)
    feed_read(feed=found, meetings=len(meetings), request=request)
    response = HttpResponse(
        feed_ics(found.user, meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    return response
