"""The demo's clock: each step of a demo case is taken on the day it happened.

The demo cases are made by the services a person uses (ADR 0028). A service records when it
ran (`timezone.now()`: the case's opening, its history, the audit log, a letter's date), so a
case that went through its steps over six weeks must have its services run on those six weeks'
days, not all today. `clock_at` runs a block of code with the clock set to a past moment,
through time-machine (which moves `datetime.now`, `date.today` and `time.time` alike, so every
service, model default and library sees the same moment); the clock runs on from there.

Development only. time-machine is a development requirement (requirements-dev.txt); `make run`
and the tests install it, a server does not. A server must never load the demo (its users
have published passwords), and without time-machine it cannot.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

try:
    import time_machine
except ImportError:  # a server: the demo is never loaded there
    time_machine = None  # type: ignore[assignment]


class FutureMoment(ValueError):
    """A demo step was planned after the real now: the demo never records the future."""


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Run the block as if it were `moment` (aware, not after the real now)."""
    if time_machine is None:
        raise ImproperlyConfigured(
            "The demo needs the development requirements (time-machine): run `make setup`. "
            "Never load the demo on a server."
        )
    if timezone.is_naive(moment):
        raise ValueError("Give the demo's clock an aware moment.")
    if moment > timezone.now():
        raise FutureMoment(f"The demo cannot record {moment.isoformat()}: it is in the future.")
    with time_machine.travel(moment, tick=True):
        yield
