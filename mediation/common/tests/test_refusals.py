"""The two ways a view shows a service's refusal: on the form, or as a message."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.http import HttpResponse
from django.test import RequestFactory

from mediation.common.errors import NotAllowed, ServiceError, StaleCase
from mediation.common.views import refusal_shown_as_message, refusal_shown_on


class NameForm(forms.Form):
    name = forms.CharField()


def _bound_form() -> NameForm:
    form = NameForm({"name": "Ann"})
    assert form.is_valid()
    return form


def test_a_refusal_goes_to_the_top_of_the_error_summary():
    form = _bound_form()
    with refusal_shown_on(form):
        raise StaleCase("Someone else changed this case")
    assert form.non_field_errors() == ["Someone else changed this case"]
    assert not form.is_valid()
    assert form.data["name"] == "Ann"  # what was typed is shown again


def test_a_refusal_can_go_next_to_a_field():
    form = _bound_form()
    with refusal_shown_on(form, "name"):
        raise NotAllowed("Choose someone else")
    assert form.errors == {"name": ["Choose someone else"]}


def test_code_after_the_service_call_runs_only_when_it_was_not_refused():
    form = _bound_form()
    reached = []
    with refusal_shown_on(form):
        reached.append("call")
    assert reached == ["call"] and form.is_valid()


def test_an_error_that_is_not_a_refusal_is_not_hidden():
    form = _bound_form()
    with pytest.raises(KeyError), refusal_shown_on(form):
        raise KeyError("a bug")


def test_a_refusal_without_a_form_becomes_a_message():
    request = RequestFactory().post("/")
    request.session = SessionStore()  # signed cookies: no database
    MessageMiddleware(lambda request: HttpResponse()).process_request(request)
    with refusal_shown_as_message(request):
        raise ServiceError("This invoice has no contact email")
    assert [str(m) for m in get_messages(request)] == ["This invoice has no contact email"]
