from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from mediation.common.pagination import page_number_from, paginate
from mediation.common.views import manager_view
from mediation.notifications.models import Message


@manager_view
def outbox(request: HttpRequest) -> HttpResponse:
    """Development only: every email the demo sent, so a person trying it can read them.

    Managers only: it shows every case's messages, one-time sign-in links included. Production
    settings do not have the page at all (config/urls.py includes it only with SHOW_DEV_OUTBOX).
    """
    if not settings.SHOW_DEV_OUTBOX:
        raise Http404
    page = paginate(Message.objects.all(), number=page_number_from(request.GET.get("page")))
    return render(request, "notifications/outbox.html", {"page": page})
