"""`request.user` and the authenticator device that verified the session, read in one query.

Django's AuthenticationMiddleware reads the user (one ORM query) and django-otp's OTPMiddleware
then reads the device named in the session (a second). Every signed-in request paid both, and
most of their cost was building the ORM queries, not running them (ADR 0050). `signed_in_user`
gives the same answer from one SQL statement written once per database: the user, and the
device only if it belongs to that user. Everything else is Django's and django-otp's own rules,
restated: the backend named in the session must be configured, an inactive user is nobody, the
session's password hash must match (or match a fallback secret, then the key is cycled), and a
device that is missing, someone else's or not confirmed leaves the user unverified and is
dropped from the session. Sessions signed in through any other backend, or verified by another
kind of device, take Django's and django-otp's own path.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import connections, models, router
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.models import Device

from mediation.accounts.models import EncryptedTOTPDevice, User

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_TOTP_PREFIX = f"{EncryptedTOTPDevice.model_label()}/"

Converter = Callable[[Any, Any, Any], Any]


def column_of(field: Any) -> str:
    """A concrete field's column name (typed `str | None` for fields that have none)."""
    column = field.column
    assert isinstance(column, str)  # concrete fields have a column
    return column


class _Columns:
    """One model's columns in a hand-written SELECT, and how to turn a row back into it."""

    def __init__(self, model: type[models.Model], table_alias: str, alias: str) -> None:
        connection = connections[alias]
        quote = connection.ops.quote_name
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [field.attname for field in self.fields]
        self.select = ", ".join(f"{table_alias}.{quote(column_of(field))}" for field in self.fields)
        # The converters the ORM's compiler would apply to each column (backend's, then field's).
        self.converters: list[tuple[Any, list[Converter]]] = []
        for field in self.fields:
            column = field.get_col(table_alias)
            chain = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            self.converters.append((column, chain))

    def instance(self, values: tuple[Any, ...] | list[Any]) -> Any:
        connection = connections[self.alias]
        converted = []
        for value, (column, chain) in zip(values, self.converters, strict=True):
            for converter in chain:
                value = converter(value, column, connection)
            converted.append(value)
        return self.model.from_db(self.alias, self.attnames, converted)


class _UserAndDevice:
    def __init__(self, alias: str) -> None:
        quote = connections[alias].ops.quote_name
        self.user = _Columns(User, "u", alias)
        self.device = _Columns(EncryptedTOTPDevice, "d", alias)
        user_meta, device_meta = User._meta, EncryptedTOTPDevice._meta
        assert user_meta.pk is not None and device_meta.pk is not None  # concrete models
        device_user = device_meta.get_field("user")
        assert isinstance(device_user, models.ForeignKey)
        # Names from the models' own meta, quoted; the ids are parameters.
        self.sql = (
            f"SELECT {self.user.select}, {self.device.select} "  # noqa: S608  # nosec B608
            f"FROM {quote(user_meta.db_table)} u "
            f"LEFT JOIN {quote(device_meta.db_table)} d "
            f"ON d.{quote(column_of(device_meta.pk))} = %s "
            f"AND d.{quote(column_of(device_user))} = u.{quote(column_of(user_meta.pk))} "
            f"WHERE u.{quote(column_of(user_meta.pk))} = %s"
        )
        self.device_pk = f"{device_meta.pk.attname}"


_loaders: dict[str, _UserAndDevice] = {}


def user_and_device(
    user_id: Any, device_id: int | None
) -> tuple[User | None, EncryptedTOTPDevice | None]:
    """The user with this id and, if `device_id` is one of that user's TOTP devices, the device:
    one query."""
    alias = router.db_for_read(User)
    loader = _loaders.get(alias)
    if loader is None:
        loader = _loaders[alias] = _UserAndDevice(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(loader.sql, [device_id, user_id])
        row = cursor.fetchone()
    if row is None:
        return None, None
    width = len(loader.user.fields)
    user = loader.user.instance(row[:width])
    device_values = row[width:]
    device = None
    if device_values[loader.device.attnames.index(loader.device_pk)] is not None:
        device = loader.device.instance(device_values)
    return user, device


def _totp_device_id(persistent_id: Any) -> int | None:
    """The id in "accounts.encryptedtotpdevice/12"; None for anything else."""
    if isinstance(persistent_id, str) and persistent_id.startswith(_TOTP_PREFIX):
        number = persistent_id[len(_TOTP_PREFIX) :]
        if number.isdigit():
            return int(number)
    return None


def _session_hash_verified(request: HttpRequest, user: Any) -> Any:
    """Django's check of the password hash kept in the session (django.contrib.auth.get_user):
    the user, or None after flushing a session whose hash no longer matches."""
    session = request.session
    session_hash = session.get(HASH_SESSION_KEY)
    if session_hash:
        session_auth_hash = user.get_session_auth_hash()
        if constant_time_compare(session_hash, session_auth_hash):
            return user
        if any(
            constant_time_compare(session_hash, fallback)
            for fallback in user.get_session_auth_fallback_hash()
        ):
            session.cycle_key()
            session[HASH_SESSION_KEY] = session_auth_hash
            return user
    session.flush()
    return None


def _with_device(request: HttpRequest, user: Any, device: Any) -> Any:
    """django-otp's OTPMiddleware: `user.otp_device` and `user.is_verified()`."""
    user.otp_device = None
    user.is_verified = functools.partial(is_verified, user)
    if user.is_authenticated:
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            device = None
        if device is None and DEVICE_ID_SESSION_KEY in request.session:
            del request.session[DEVICE_ID_SESSION_KEY]
        user.otp_device = device
    return user


def _the_slow_way(request: HttpRequest, persistent_id: Any) -> Any:
    """Django's get_user and django-otp's device lookup, for what the fast path does not cover."""
    user = auth.get_user(request)
    device = None
    if user.is_authenticated and isinstance(persistent_id, str) and persistent_id:
        if persistent_id.count(".") > 1:  # django-otp's legacy ids (full import paths)
            parts = persistent_id.split(".")
            persistent_id = ".".join((parts[-3], parts[-1]))
        device = Device.from_persistent_id(persistent_id)
    return _with_device(request, user, device)


def signed_in_user(request: HttpRequest) -> Any:
    """The request's user (a User or an AnonymousUser) with django-otp's fields set."""
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return _with_device(request, AnonymousUser(), None)
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device_id = _totp_device_id(persistent_id)
    if backend_path != MODEL_BACKEND or (persistent_id and device_id is None):
        return _the_slow_way(request, persistent_id)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return _with_device(request, AnonymousUser(), None)
    user, device = user_and_device(user_id, device_id)
    if user is not None and not user.is_active:  # ModelBackend.user_can_authenticate
        user = None
    if user is not None:
        user = _session_hash_verified(request, user)
    return _with_device(request, user or AnonymousUser(), device)
