"""The workflow's pages, in the `cases` and `enquiries` URL namespaces with the case file's
pages (mediation.cases.urls): config/urls.py puts the two lists together."""

from django.urls import path

from mediation.workflow import views

case_urlpatterns = [
    path("my-work/", views.my_work, name="my-work"),
    path("team/", views.team_work, name="team"),
    path("cases/<str:reference>/", views.case_detail, name="detail"),
    path("cases/<str:reference>/key-dates/", views.key_dates_edit, name="key-dates"),
    path("cases/<str:reference>/steps/<str:step>/", views.case_step, name="step"),
]

enquiry_urlpatterns = [
    path("<str:reference>/open-case/", views.enquiry_open_case, name="open-case"),
]
