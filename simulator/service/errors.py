"""Errors the service layer raises. Each has a stable ``code`` (and ``params``) so the UI
can show a translated message; ``str(error)`` is an English fallback for logs and the CLI.
"""

from __future__ import annotations

from typing import Any

from simulator.session.simulation import MAX_HINTS


class ServiceError(Exception):
    code: str = "error"

    def __init__(self, message: str, *, reason: str | None = None, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason or self.code  # a finer stable key, e.g. "username_too_short"
        self.params = params


class Forbidden(ServiceError):
    """The actor may not do this (authorization is decided in the service layer)."""

    code = "forbidden"


class NotFound(ServiceError):
    code = "not_found"


class InvalidInput(ServiceError):
    """Input failed validation; ``field`` names which input, ``reason`` which rule."""

    code = "invalid_input"

    def __init__(self, message: str, *, field: str, reason: str | None = None, **params: Any) -> None:
        super().__init__(message, reason=reason, **params)
        self.field = field


class Conflict(ServiceError):
    """The change clashes with existing data (e.g. the username is taken)."""

    code = "conflict"


class InvalidCredentials(ServiceError):
    """Wrong username or password; deliberately does not say which."""

    code = "invalid_credentials"

    def __init__(self, message: str = "wrong username or password") -> None:
        super().__init__(message)


class LoginThrottled(ServiceError):
    """Too many failed logins for this username; try again after ``retry_after_seconds``."""

    code = "throttled"

    def __init__(self, retry_after_seconds: int, *, reason: str | None = None, message: str | None = None) -> None:
        super().__init__(
            message or f"too many failed logins; try again in {retry_after_seconds} s",
            reason=reason,
            retry_after_seconds=retry_after_seconds,
        )
        self.retry_after_seconds = retry_after_seconds


class LoginBusy(LoginThrottled):
    """No password check could run now (a flood is on); nothing was charged. Try again shortly.

    A ``LoginThrottled`` so every caller that handles throttling handles this too; its own
    reason so the page does not tell a real user they failed too often."""

    def __init__(self, retry_after_seconds: int = 1) -> None:
        super().__init__(retry_after_seconds, reason="busy",
                         message=f"login checks are busy; try again in {retry_after_seconds} s")


# --- practice -------------------------------------------------------------------------------


class ReplyRefused(InvalidInput):
    """The reply was not sent; ``code`` is ``empty`` or ``too_long`` (nothing was written)."""

    def __init__(self, code: str, message: str, **params: Any) -> None:
        super().__init__(message, field="reply", reason=code, **params)
        self.code = code


class AttemptFinished(Conflict):
    """A finished attempt is read-only."""

    code = "finished"

    def __init__(self, attempt_id: int) -> None:
        super().__init__("this attempt has ended and can no longer change", reason="finished", attempt_id=attempt_id)


class HintLimitReached(Conflict):
    code = "hint_limit"

    def __init__(self, attempt_id: int) -> None:
        super().__init__(f"at most {MAX_HINTS} hints per attempt", reason="hint_limit", max=MAX_HINTS,
                         attempt_id=attempt_id)


class StaleReply(Conflict):
    """The page sent a reply for a turn that is no longer the next one (another tab, a double click)."""

    code = "stale"

    def __init__(self, attempt_id: int, expected: int, actual: int) -> None:
        super().__init__("the conversation moved on in another window; reload to see it", reason="stale",
                         attempt_id=attempt_id, expected=expected, actual=actual)


class NotFinished(Conflict):
    code = "not_finished"

    def __init__(self, attempt_id: int) -> None:
        super().__init__("the debrief is ready once the meeting has ended", reason="not_finished",
                         attempt_id=attempt_id)
