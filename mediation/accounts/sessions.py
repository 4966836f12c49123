"""The session engine (SESSION_ENGINE): Django's database sessions, read in one plain query,
kept for the absolute limit, and never written to renew the idle one (ADR 0050).

- **Reading.** `load` runs one prepared-once SQL statement instead of building an ORM query on
  every request: the same row, the same `expire_date > now` rule, the same decoding.
- **Idle limit without writes.** The row lives SESSION_ABSOLUTE_AGE (12 hours) and half an
  hour from its last save; the 30-minute idle limit (SESSION_COOKIE_AGE) is counted from the last time the session
  was seen: the later of `seen_at`, written into the session on every save, and the time in
  the signed *seen* cookie (`seen_stamp`), which the server issues at most once a minute in a
  response, bound to the session key by an HMAC under SECRET_KEY. Only the server can make a
  stamp; a stamp is good only for the session it names; a client can show an older one (which
  only ends its session sooner) but never a later one than the server gave it. So a stolen
  session cookie is no more use, nor for longer, than before, and a GET writes nothing.
  `mediation.accounts.middleware.IdleSessionMiddleware` checks and issues the stamps.
"""

from __future__ import annotations

import hmac
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone
from django.utils.crypto import salted_hmac

SEEN_AT = "seen_at"  # in the session: when it was last saved, epoch seconds
_STAMP_SALT = "mediation.accounts.sessions.seen"


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def seen_stamp(session_key: str, at: int) -> str:
    """The *seen* cookie's value: the time, and an HMAC of it with the session key."""
    mac = salted_hmac(_STAMP_SALT, f"{session_key}.{at}", algorithm="sha256").hexdigest()
    return f"{at}.{mac}"


def seen_stamp_time(value: str | None, session_key: str | None) -> int | None:
    """The time a valid stamp for this session holds; None for a missing, forged or other
    session's stamp."""
    if not value or not session_key:
        return None
    at_text, _, mac = value.partition(".")
    if not at_text.isdigit() or len(at_text) > 12:
        return None
    expected = seen_stamp(session_key, int(at_text)).partition(".")[2]
    return int(at_text) if hmac.compare_digest(mac, expected) else None


def _column(meta: Any, name: str) -> str:
    column = meta.get_field(name).column
    assert isinstance(column, str)  # a concrete field
    return column


class SessionStore(db.SessionStore):
    _load_sql: ClassVar[dict[str, str]] = {}

    @classmethod
    def _sql(cls, alias: str) -> str:
        sql = cls._load_sql.get(alias)
        if sql is None:
            model = cls.get_model_class()
            quote = connections[alias].ops.quote_name
            meta = model._meta
            # Names from the model's own meta, quoted; the values are parameters.
            sql = (
                f"SELECT {quote(_column(meta, 'session_data'))} "  # noqa: S608  # nosec B608
                f"FROM {quote(meta.db_table)} "
                f"WHERE {quote(_column(meta, 'session_key'))} = %s "
                f"AND {quote(_column(meta, 'expire_date'))} > %s"
            )
            cls._load_sql[alias] = sql
        return sql

    def load(self) -> dict[str, Any]:
        """The session's data, or {} (and no key) if it does not exist or has expired: what
        Django's own `load` does, in one statement."""
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(self._sql(alias), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def get_session_cookie_age(self) -> int:
        # The row outlives the idle limit, which is counted from `seen_at` and the seen stamp,
        # and the absolute one, so that AbsoluteSessionTimeoutMiddleware sees (and audits) a
        # session that reaches it.
        return int(settings.SESSION_ABSOLUTE_AGE + settings.SESSION_COOKIE_AGE)

    def save(self, must_create: bool = False) -> None:
        # Django's own loader, the one its save() uses (not in the type stubs).
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]
        if data:
            data[SEEN_AT] = now_seconds()
        super().save(must_create=must_create)

    def last_seen(self, stamp: str | None) -> int | None:
        """When this session was last seen: the later of its last save and a valid stamp."""
        saved = self.get(SEEN_AT)
        stamped = seen_stamp_time(stamp, self.session_key)
        times = [t for t in (saved if isinstance(saved, int) else None, stamped) if t is not None]
        return max(times) if times else None
