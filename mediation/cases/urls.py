from django.urls import path

from mediation.cases import views

app_name = "cases"

urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("team/", views.team_work, name="team"),
    path("cases/", views.case_list, name="list"),
    path("cases/<str:reference>/", views.case_detail, name="detail"),
    path("cases/<str:reference>/contacts/new/", views.contact_add, name="contact-add"),
    path("cases/<str:reference>/notes/new/", views.note_add, name="note-add"),
    path("cases/<str:reference>/key-dates/", views.key_dates_edit, name="key-dates"),
    path("cases/<str:reference>/steps/<str:step>/", views.case_step, name="step"),
    path("cases/<str:reference>/mediator/", views.assign_mediator, name="assign-mediator"),
    path("cases/<str:reference>/private-notes/", views.mediator_notes, name="mediator-notes"),
    path("cases/<str:reference>/links/new/", views.case_link_add, name="link-add"),
]

enquiry_urlpatterns = (
    [
        path("", views.enquiry_list, name="list"),
        path("new/", views.enquiry_new, name="new"),
        path("<str:reference>/", views.enquiry_detail, name="detail"),
        path("<str:reference>/open-case/", views.enquiry_open_case, name="open-case"),
        path("<str:reference>/close/", views.enquiry_close, name="close"),
    ],
    "enquiries",
)
