"""Development settings: `make run` and manage.py use these unless told otherwise."""

import os

os.environ.setdefault("DJANGO_DEBUG", "true")

from config.settings.base import *  # noqa: E402,F403
