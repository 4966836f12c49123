from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mediation.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"

    def ready(self) -> None:
        # Connects record_sign_in_time to user_logged_in (the absolute session limit needs it).
        from mediation.accounts import security  # noqa: F401, PLC0415 (apps load before models)
