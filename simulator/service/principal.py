"""Who is acting: a signed-in :class:`Principal`, or :data:`SYSTEM` (the local operator).

Kept apart from :mod:`auth` so :mod:`policy` can name the caller without importing the
login code, and the login code can ask the policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from simulator.store.models import User


@dataclass(frozen=True)
class Principal:
    """Who is acting: what the UI keeps after ``authenticate`` and passes to every service call."""

    user_id: int
    username: str
    role: str
    locale: str
    display_name: str
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_mentor(self) -> bool:
        return self.role == "mentor"

    @classmethod
    def of(cls, user: User) -> Principal:
        return cls(
            user_id=user.id,
            username=user.username,
            role=user.role,
            locale=user.locale,
            display_name=user.display_name,
            must_change_password=user.must_change_password,
        )


class _System:
    """The trusted local operator (CLI, demo seeding): whoever can run commands on the server."""

    _instance: _System | None = None

    def __new__(cls) -> _System:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM: Final = _System()
Actor = Principal | _System
