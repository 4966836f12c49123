# The meetings tests' case ready for a meeting, and an offered slot.
from mediation.meetings.tests.conftest import arranging_case, slot  # noqa: F401
