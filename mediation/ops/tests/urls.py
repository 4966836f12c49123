"""Views that lose the database on purpose, for the DatabaseUnavailableMiddleware tests."""

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

CALLS: list[str] = []
FAILURES = {"left": 0}


@csrf_exempt
def flaky(request):
    CALLS.append(request.method)
    if FAILURES["left"] > 0:
        FAILURES["left"] -= 1
        raise OperationalError("server closed the connection unexpectedly")
    return HttpResponse("read")


urlpatterns = [path("flaky/", flaky)]
