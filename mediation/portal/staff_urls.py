"""Staff pages for the portal, on the staff site (included at "" in config/urls.py)."""

from django.urls import path

from mediation.portal import staff_views

app_name = "portal_staff"

P = "cases/<str:reference>/portal/"
urlpatterns = [
    path(P + "invite/<int:party_id>/", staff_views.invite, name="invite"),
    path(P + "<int:access_id>/revoke/", staff_views.revoke, name="revoke"),
    path(P + "<int:access_id>/new-link/", staff_views.new_link, name="new-link"),
    path(
        P + "requests/<int:portal_request_id>/done/", staff_views.request_done, name="request-done"
    ),
]
