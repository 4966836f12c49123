from django.urls import path

from mediation.parties import views

app_name = "parties"

P = "cases/<str:reference>/parties/<int:party_id>/"
E = "cases/<str:reference>/expenses/"

urlpatterns = [
    path("cases/<str:reference>/parties/", views.party_list, name="list"),
    path("cases/<str:reference>/parties/new/", views.party_add, name="add"),
    path(P, views.party_detail, name="detail"),
    path(P + "edit/", views.party_edit, name="edit"),
    path(P + "attendance/", views.attendance_plan, name="attendance"),
    path(P + "attendance/answer/", views.attendance_response, name="response"),
    path(P + "attendance/decision/", views.attendance_decision, name="decision"),
    path(P + "authority/", views.authority_confirm, name="authority"),
    path(E, views.expenses, name="expenses"),
    path(E + "new/", views.claim_new, name="claim-new"),
    path(E + "<int:claim_id>/", views.claim_detail, name="claim"),
    path(E + "<int:claim_id>/items/new/", views.line_add, name="line-add"),
]
