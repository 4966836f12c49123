"""Types for the requests our pages receive (django-stubs' pattern: a subclass used only in
annotations, never made).

`HttpRequest.user` is "a User or AnonymousUser". A staff page runs only for a signed-in member of
staff (mediation.common.views.staff_view, which is login_required), so its request is annotated
`AuthenticatedHttpRequest` and its `request.user` is a `User`, with the roles and permissions
that come with it. It lives here, not in mediation.common, because common sits below accounts in
the layers and may not import the User model.
"""

from __future__ import annotations

from django.http import HttpRequest

from mediation.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
