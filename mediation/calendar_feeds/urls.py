from django.urls import path

from . import views

app_name = "calendar_feeds"

urlpatterns = [
    path("calendar/subscription/", views.subscription, name="subscription"),
    path("calendar/subscription/new-address/", views.new_address, name="new-address"),
    path("calendar/subscription/turn-off/", views.turn_off, name="turn-off"),
    path("calendar/feeds/<str:token>.ics", views.feed, name="feed"),
]
