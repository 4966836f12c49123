from django.urls import path

from mediation.meetings import views

app_name = "meetings"

urlpatterns = [
    path("calendar/", views.calendar_page, name="calendar"),
    path("cases/<str:reference>/meetings/", views.meeting_detail, name="detail"),
    path("cases/<str:reference>/meetings/dates/", views.slots, name="slots"),
    path(
        "cases/<str:reference>/meetings/dates/<int:slot_id>/answers/",
        views.slot_answers,
        name="answers",
    ),
    path("cases/<str:reference>/meetings/dates/<int:slot_id>/book/", views.book, name="book"),
    path(
        "cases/<str:reference>/meetings/<int:meeting_id>/reschedule/",
        views.reschedule,
        name="reschedule",
    ),
    path("cases/<str:reference>/meetings/<int:meeting_id>/cancel/", views.cancel, name="cancel"),
    path("cases/<str:reference>/meetings/calls/<int:call_id>/", views.call_record, name="call"),
    path(
        "cases/<str:reference>/meetings/letters/<int:letter_id>/",
        views.letter_download,
        name="letter",
    ),
    path(
        "cases/<str:reference>/meetings/letters/<int:letter_id>/posted/",
        views.letter_posted,
        name="letter-posted",
    ),
]
