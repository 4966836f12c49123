"""Authenticator secrets encrypted at rest (ADR 0030): a device model of our own whose key is
an EncryptedTextField, and every existing django-otp TOTP device moved into it, its secret
encrypted, then removed from django-otp's table (which stays, empty: the app is no longer
installed). Signed-in sessions name the old device and are asked for a code once."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mediation.accounts.models
import mediation.common.encryption

OLD_TABLE = "otp_totp_totpdevice"
# The columns both tables share (django-otp 1.7.5's TOTP device), key apart.
COLUMNS = (
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "created_at",
    "last_used_at",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
)


def move_devices(apps, schema_editor):
    """Copy each plain-text device into the encrypted model (the field encrypts the key on
    save), then empty the old table. Nothing to do on a database that never had django-otp's
    TOTP devices."""
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        present = {
            column.name
            for column in connection.introspection.get_table_description(cursor, OLD_TABLE)
        }
        columns = [c for c in COLUMNS if c in present]
        quoted = ", ".join(connection.ops.quote_name(c) for c in ("key", *columns))
        cursor.execute(f"SELECT {quoted} FROM {OLD_TABLE}")  # noqa: S608  # nosec B608 (fixed names)
        rows = cursor.fetchall()
    device = apps.get_model("accounts", "EncryptedTOTPDevice")
    for key, *values in rows:
        device.objects.create(key=key, **dict(zip(columns, values, strict=True)))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {OLD_TABLE}")  # noqa: S608  # nosec B608 (a fixed name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_employed_by_authorities_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="EncryptedTOTPDevice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        help_text="The human-readable name of this device.", max_length=64
                    ),
                ),
                (
                    "confirmed",
                    models.BooleanField(default=True, help_text="Is this device ready for use?"),
                ),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(
                        default=0, help_text="Number of successive failed attempts."
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The most recent date and time this device was used.",
                        null=True,
                    ),
                ),
                (
                    "key",
                    mediation.common.encryption.EncryptedTextField(
                        default=mediation.accounts.models._new_totp_key
                    ),
                ),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "abstract": False,
            },
        ),
        migrations.RunPython(move_devices, migrations.RunPython.noop),
    ]
