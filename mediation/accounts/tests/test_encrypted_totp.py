"""Authenticator secrets are encrypted at rest (issue 20, ADR 0030), and the devices of
django-otp's plain-text table are moved into the encrypted model by migration 0003."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_otp.oath import TOTP

from mediation.accounts.models import EncryptedTOTPDevice
from mediation.accounts.two_factor import device_with_key, pending_device

KEY = "JBSWY3DPEHPK3PXP"
HEX = "48656c6c6f21deadbeef"  # KEY in hex


def _code(device: EncryptedTOTPDevice, offset: int = 0) -> int:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + offset * device.step
    return totp.token()


def _stored_key(device: EncryptedTOTPDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name('key')} FROM accounts_encryptedtotpdevice "
            "WHERE id = %s",
            [device.pk],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_the_secret_is_encrypted_in_the_database(case_officer_cal):
    device = device_with_key(case_officer_cal, KEY)
    stored = _stored_key(device)
    assert device.key == HEX
    assert HEX not in stored and stored.startswith("gAAAAA")  # a Fernet token
    assert EncryptedTOTPDevice.objects.get(pk=device.pk).key == HEX


@pytest.mark.django_db
def test_a_code_is_good_once_and_wrong_codes_are_throttled(case_officer_cal):
    device = device_with_key(case_officer_cal, KEY)
    code = _code(device)
    assert device.verify_token(code)
    assert not device.verify_token(code)  # the same code again: refused
    fresh = EncryptedTOTPDevice.objects.get(pk=device.pk)
    assert not fresh.verify_token("000000" if code != 0 else "111111")
    assert fresh.throttling_failure_count == 1
    assert not fresh.verify_token(_code(fresh, offset=1))  # throttled for a second
    assert not fresh.verify_token("not a number")


@pytest.mark.django_db
def test_a_new_device_gets_a_random_secret_and_a_qr_address(case_officer_cal):
    device = pending_device(case_officer_cal)
    assert len(device.bin_key) == 20
    assert device.config_url.startswith("otpauth://totp/SEND%20Mediation%20Case%20Manager%3Acal?")
    assert "issuer=SEND%20Mediation%20Case%20Manager" in device.config_url
    other = pending_device(
        type(case_officer_cal).objects.create(username="cleo2", role="case_officer")
    )
    assert other.key != device.key


OLD_TABLE = "otp_totp_totpdevice"


@pytest.mark.django_db(transaction=True)
def test_migration_0003_moves_plain_devices_into_the_encrypted_model(case_officer_cal):
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0002_user_employed_by_authorities_and_more")])
    key = connection.ops.quote_name("key")
    with connection.cursor() as cursor:
        # django-otp 1.7.5's table, as an existing database has it
        cursor.execute(
            f"CREATE TABLE {OLD_TABLE} (id integer PRIMARY KEY, user_id integer NOT NULL, "
            "name varchar(64) NOT NULL, confirmed boolean NOT NULL, "
            "throttling_failure_timestamp timestamp NULL, throttling_failure_count integer "
            "NOT NULL, created_at timestamp NULL, last_used_at timestamp NULL, "
            f"{key} varchar(80) NOT NULL, step smallint NOT NULL, t0 bigint NOT NULL, "
            "digits smallint NOT NULL, tolerance smallint NOT NULL, drift smallint NOT NULL, "
            "last_t bigint NOT NULL)"
        )
        cursor.execute(
            f"INSERT INTO {OLD_TABLE} VALUES (7, %s, 'Authenticator app', %s, NULL, 0, NULL, "
            "NULL, %s, 30, 0, 6, 1, 0, 41)",
            [case_officer_cal.pk, True, HEX],
        )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("accounts", "0003_encrypted_totp_devices")])
        moved = EncryptedTOTPDevice.objects.get(user=case_officer_cal)
        assert moved.key == HEX and moved.confirmed and moved.last_t == 41
        assert HEX not in _stored_key(moved)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {OLD_TABLE}")  # noqa: S608 (a fixed name)
            assert cursor.fetchone()[0] == 0  # no plain-text secret left behind
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {OLD_TABLE}")
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
