from django.urls import path

from mediation.notifications import views

app_name = "notifications"
urlpatterns = [path("", views.outbox, name="outbox")]
