"""The few things every trainee page needs from the app shell, in one place.

``t`` comes from :mod:`simulator.ui.i18n`, the principal and database from
:mod:`simulator.ui.session` (both the shell's). Pages import them from here so a change
of those names touches one file.
"""

from __future__ import annotations

from simulator.ui.i18n import current_language as ui_language
from simulator.ui.i18n import error_text, t
from simulator.ui.session import get_db, require_principal

__all__ = ["error_text", "get_db", "require_principal", "t", "ui_language"]
