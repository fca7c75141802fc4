"""Use cases called by the UI and the CLI; authorization is checked here, not in ``store``."""

from simulator.service.errors import (
    Conflict,
    Forbidden,
    InvalidCredentials,
    InvalidInput,
    LoginThrottled,
    NotFound,
    ServiceError,
)

__all__ = [
    "Conflict",
    "Forbidden",
    "InvalidCredentials",
    "InvalidInput",
    "LoginThrottled",
    "NotFound",
    "ServiceError",
]
