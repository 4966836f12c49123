"""The product's URLs plus two bench-only pages (config/settings/bench.py only)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as product_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    """The framework's floor: every middleware, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


def template_floor(request: HttpRequest) -> HttpResponse:
    """A GOV.UK page from base.html with no database query (nobody signed in)."""
    return render(request, "bench/template_floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("bench/template/", template_floor, name="bench-template"),
    *product_urlpatterns,
]

__all__ = ["handler404", "handler403", "handler500", "urlpatterns"]
