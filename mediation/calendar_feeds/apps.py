from django.apps import AppConfig


class CalendarFeedsConfig(AppConfig):
    name = "mediation.calendar_feeds"
    label = "calendar_feeds"
    verbose_name = "Staff calendar subscriptions"
