"""The case file's pages. They share the `cases` and `enquiries` URL namespaces with the
workflow's pages (mediation.workflow.urls): config/urls.py puts the two lists together."""

from django.urls import path

from mediation.cases import views

case_urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/<str:reference>/contacts/new/", views.contact_add, name="contact-add"),
    path("cases/<str:reference>/notes/new/", views.note_add, name="note-add"),
    path("cases/<str:reference>/mediator/", views.assign_mediator, name="assign-mediator"),
    path("cases/<str:reference>/private-notes/", views.mediator_notes, name="mediator-notes"),
    path("cases/<str:reference>/links/new/", views.case_link_add, name="link-add"),
    path("cases/<str:reference>/declined/", views.participation_declined, name="declined"),
    path("cases/<str:reference>/issues/", views.case_issues, name="issues"),
    path("cases/<str:reference>/la-reference/", views.la_reference_edit, name="la-reference"),
]

enquiry_urlpatterns = [
    path("", views.enquiry_list, name="list"),
    path("new/", views.enquiry_new, name="new"),
    path("<str:reference>/", views.enquiry_detail, name="detail"),
    path("<str:reference>/close/", views.enquiry_close, name="close"),
]
