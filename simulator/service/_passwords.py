"""One-time passwords that a mentor or an admin hands over on paper or reads out.

Internal to the service layer: accounts (class import) and cohorts (a mentor's new
trainee) both open accounts this way, so the alphabet is decided once.
"""

from __future__ import annotations

import secrets

# Letters and digits without the pairs people confuse on paper: 0/O/o, 1/l/I.
ALPHABET = "".join(c for c in "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
LENGTH = 14  # 56 symbols: about 81 bits


def one_time_password() -> str:
    """A random password the trainee must replace at first login."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
