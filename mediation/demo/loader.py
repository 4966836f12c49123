"""Loading the demo: the staff and local authorities, then every demo case played out in time.

Each demo case is a story (mediation.demo.stories): a generator that yields the moment of its
next step and then takes that step through the services (mediation.demo.acts). The loader
plays all the stories together, always the earliest waiting step first, each step under the
demo's clock set to its moment (mediation.demo.clock) and in its own transaction, as a person's
request would be. So references are given out in the order cases were opened, the audit log
runs forward in time, and what a service does after its transaction (an email queued, the
portal telling a party that dates were offered) happens on the step's own day.
"""

from __future__ import annotations

import heapq
import time as stopwatch
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from mediation.accounts.models import User
from mediation.api.demo import demo_api_access
from mediation.cases.models import Case
from mediation.common.pdf import html_to_pdf
from mediation.deadlines.clocks import service_calendar
from mediation.demo import cast
from mediation.demo.acts import LONDON, World
from mediation.demo.clock import clock_at
from mediation.demo.stories import STORIES, Story, contract_start


class StoryFailed(RuntimeError):
    """A demo step was refused: the message names the story and says what the service said."""


@dataclass(frozen=True)
class LoadReport:
    cases: int
    seconds: float


def demo_is_loaded() -> bool:
    return User.objects.filter(username=cast.STAFF[0][0]).exists()


def _sample_file() -> bytes:
    """A one-page PDF the demo's parties send (a report from the school)."""
    return html_to_pdf(
        "<h1>Report from Hollybank Primary School</h1>"
        "<p>Progress this term, support in class and what has helped. (Invented for the "
        "demo.)</p>"
    )


def demo_load(*, only: Collection[str] = ()) -> LoadReport:
    """Load the demo once. Refused (StoryFailed) if a service refuses a step.

    `only` names the stories to play (their keys), for a test that needs a few cases; by
    default every story is played.
    """
    unknown = set(only) - {story.key for story in STORIES}
    if unknown:
        raise ValueError(f"No demo stories called {', '.join(sorted(unknown))}")
    started = stopwatch.monotonic()
    now = timezone.now()
    today = timezone.localdate(now)
    setup_day = contract_start(today)
    # The service was set up when the local authorities' contracts began.
    with clock_at(datetime.combine(setup_day, time(9), tzinfo=LONDON)), transaction.atomic():
        staff = cast.staff_create()
        manager = staff["morgan.manager"]
        authorities = cast.authorities_create(manager, staff)
        cast.tariffs_create(authorities, manager, setup_day)
    world = World(
        staff=staff,
        authorities=authorities,
        calendar=service_calendar(),
        today=today,
        latest=now - timedelta(minutes=2),
        files={"pdf": _sample_file()},
    )
    _play(world, [story for story in STORIES if not only or story.key in only])
    # After the cases, so its endpoint hears only what happens from now on (Manage → API access).
    with transaction.atomic():
        demo_api_access(authority=authorities[cast.AUTHORITIES[0][1]], manager=manager)
    return LoadReport(cases=Case.objects.count(), seconds=round(stopwatch.monotonic() - started, 1))


def _play(world: World, stories: list[Story]) -> None:
    """Play the stories together, the earliest waiting step first, each in its own
    transaction under the demo's clock."""
    waiting: list[tuple[datetime, int, Iterator[datetime], Story]] = []
    for number, story in enumerate(stories):
        steps = story.play(world)
        first = next(steps, None)  # a story yields its first moment before it does anything
        if first is not None:
            heapq.heappush(waiting, (first, number, steps, story))
    while waiting:
        moment, number, steps, story = heapq.heappop(waiting)
        try:
            with clock_at(moment), transaction.atomic():
                following = next(steps, None)
        except Exception as error:
            raise StoryFailed(
                f"The demo case “{story.key}” could not take its step of "
                f"{timezone.localtime(moment):%A %-d %B %Y %H:%M}: {error}"
            ) from error
        if following is None:
            continue
        if following < moment:
            raise StoryFailed(f"The demo case “{story.key}” went back in time to {following}.")
        heapq.heappush(waiting, (following, number, steps, story))
