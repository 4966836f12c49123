from django.urls import path

from mediation.outcomes import views

app_name = "outcomes"

_CASE = "cases/<str:reference>/outcome/"

urlpatterns = [
    path("reports/agreed-actions/", views.report, name="report"),
    path(_CASE, views.statement, name="statement"),
    path(f"{_CASE}pdf/", views.statement_pdf, name="pdf"),
    path(f"{_CASE}edit/", views.statement_edit, name="edit"),
    path(f"{_CASE}actions/add/", views.action_form, name="action-add"),
    path(f"{_CASE}actions/<int:action_id>/edit/", views.action_form, name="action-edit"),
    path(f"{_CASE}actions/<int:action_id>/remove/", views.action_remove, name="action-remove"),
    path(f"{_CASE}actions/<int:action_id>/done/", views.action_done, name="action-done"),
    path(f"{_CASE}actions/<int:action_id>/new-date/", views.action_vary, name="action-vary"),
    path(
        f"{_CASE}actions/<int:action_id>/later-steps/",
        views.action_follow_up,
        name="action-follow-up",
    ),
    path(
        f"{_CASE}actions/<int:action_id>/escalate/", views.action_escalate, name="action-escalate"
    ),
    path(
        f"{_CASE}actions/<int:action_id>/letter/",
        views.action_letter_preview,
        name="action-letter",
    ),
    path(
        f"{_CASE}actions/<int:action_id>/letter/send/",
        views.action_letter_send,
        name="action-letter-send",
    ),
    path(f"{_CASE}issues/", views.issue_results, name="issues"),
    path(f"{_CASE}deferred/add/", views.deferred_add, name="deferred-add"),
    path(
        f"{_CASE}deferred/<int:decision_id>/remove/",
        views.deferred_remove,
        name="deferred-remove",
    ),
    path(f"{_CASE}agreements/", views.agreement, name="agreement"),
    path(f"{_CASE}final/", views.finalise, name="finalise"),
    path(f"{_CASE}send-to-agree/", views.send_for_agreement, name="send-for-agreement"),
    path(f"{_CASE}addendum/", views.addendum, name="addendum"),
    path(f"{_CASE}circulate/", views.circulate, name="circulate"),
    path(f"{_CASE}messages/<int:delivery_id>/resend/", views.resend, name="resend"),
    path(f"{_CASE}messages/<int:delivery_id>/letter/", views.delivery_letter, name="letter"),
    path(f"{_CASE}messages/<int:delivery_id>/posted/", views.delivery_posted, name="posted"),
]
