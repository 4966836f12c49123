"""Development settings: `make run` and manage.py use these unless told otherwise."""

import os

# Made-up contact details (0161 496 is a range Ofcom keeps for drama) so every message shows them.
os.environ.setdefault("SERVICE_PHONE", "0161 496 0000")
os.environ.setdefault("SERVICE_EMAIL", "help@northfield-mediation.example.org")
os.environ.setdefault(
    "SERVICE_POSTAL_ADDRESS", "Northfield Mediation Service\n12 Mill Lane\nNorthfield\nNF1 2AB"
)
os.environ.setdefault("TEXT_BACKEND", "outbox")  # texts kept in the outbox, sent nowhere
os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: E402,F403
