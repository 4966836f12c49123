"""Who acts on a case when it is not a member of staff: a local authority's own case system,
through the LA API with one of its tokens (mediation.api).

Services that the API calls take `by: Actor`. They record such an actor the way the portal's
parties are recorded: no staff member in the history's "who" column (the line says where it
came from instead), and the audit event names the token ("api:token:12"). Each of those
services checks that the system belongs to the case's LA and may do that one thing, so no
caller can skip the API's own checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from mediation.accounts.models import User


@dataclass(frozen=True)
class AuthoritySystem:
    """A local authority's case system calling the API with one token."""

    local_authority_id: int
    authority_name: str
    token_id: int
    # Never a staff member: the history records no user, the audit log the name below.
    is_authenticated: ClassVar[bool] = False

    @property
    def audit_name(self) -> str:
        """The audit event's actor (kept in its role column; at most 30 characters)."""
        return f"api:token:{self.token_id}"

    @property
    def history_suffix(self) -> str:
        """Added to each line of the case's history, in place of a staff member's name."""
        return f" (from {self.authority_name}'s case system, through the API)"

    def acts_for(self, local_authority_id: int) -> bool:
        return self.local_authority_id == local_authority_id

    def __str__(self) -> str:
        return self.audit_name


# Whoever a service records as having done something: a staff member or an LA's system.
Actor = User | AuthoritySystem


def staff_member(by: Actor) -> User | None:
    """The staff member to store in a "recorded by" column, or None for an LA's system."""
    return by if isinstance(by, User) else None
