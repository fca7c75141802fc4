"""The app shell: which pages a user gets, the sidebar account box, and ``main()``.

Pages are registered in ``PAGES`` as ``PageSpec`` records: a page module under
``simulator.ui.pages`` with a ``render()`` function, the roles that see it, its title key
and sidebar section. To add a page (e.g. the mentor's), append one ``PageSpec`` here and
write ``simulator/ui/pages/<name>.py``; nothing else in the shell changes. Hiding a page
is not authorization: the service layer checks every call again.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import streamlit as st

from simulator.service.auth import Principal
from simulator.ui.i18n import current_language, t
from simulator.ui.routes import LANGUAGE_FIELD, LOGOUT_PATH
from simulator.ui.session import current_principal

ALL_ROLES: Final = ("trainee", "mentor", "admin")
STAFF_ROLES: Final = ("mentor", "admin")
ROLE_KEYS: Final = {"trainee": "common.role.trainee", "mentor": "common.role.mentor", "admin": "common.role.admin"}
PAGES_KEY: Final = "_kohtaamo_pages"  # session_state: url_path -> st.Page of this run


@dataclass(frozen=True)
class PageSpec:
    """One page of the app, as data: who sees it and where it sits in the sidebar."""

    name: str  # URL path and, unless ``module`` says otherwise, simulator.ui.pages.<name>
    title_key: str  # i18n key of the sidebar title
    icon: str
    roles: tuple[str, ...]
    section_key: str  # i18n key of the sidebar section
    module: str | None = None
    default: bool = False  # the landing page after login (one per role)

    @property
    def module_name(self) -> str:
        return self.module or f"simulator.ui.pages.{self.name}"


# The order here is the order in the sidebar. Mentor/admin pages go under their sections.
PAGES: list[PageSpec] = [
    PageSpec("picker", "common.nav.picker", ":material/theater_comedy:", ALL_ROLES, "common.nav.section_practice", default=True),
    PageSpec("practice", "common.nav.practice", ":material/forum:", ALL_ROLES, "common.nav.section_practice"),
    PageSpec("debrief", "common.nav.debrief", ":material/fact_check:", ALL_ROLES, "common.nav.section_practice"),
    PageSpec("progress", "common.nav.progress", ":material/trending_up:", ALL_ROLES, "common.nav.section_practice"),
    PageSpec("cohort", "cohort.nav_title", ":material/groups:", ("trainee",), "common.nav.section_practice"),
    PageSpec("mentor_cohorts", "mentor.nav.cohorts", ":material/group_add:", STAFF_ROLES, "common.nav.section_mentor"),
    PageSpec("mentor_assign", "mentor.nav.assign", ":material/assignment:", STAFF_ROLES, "common.nav.section_mentor"),
    PageSpec("mentor_review", "mentor.nav.review", ":material/rate_review:", STAFF_ROLES, "common.nav.section_mentor"),
    PageSpec("mentor_dashboard", "mentor.nav.dashboard", ":material/insights:", STAFF_ROLES, "common.nav.section_mentor"),
    PageSpec("settings", "common.nav.settings", ":material/settings:", ALL_ROLES, "common.nav.section_account"),
    PageSpec("admin_accounts", "admin_accounts.nav_title", ":material/manage_accounts:", ("admin",), "common.nav.section_admin"),
    PageSpec("admin_content", "admin_content.nav_title", ":material/rule:", ("admin",), "common.nav.section_admin"),
]

LOGIN_PAGE: Final = PageSpec("login", "auth.login.nav_title", ":material/login:", (), "common.nav.section_account", default=True)
SETTINGS_NAME: Final = "settings"


def register(spec: PageSpec, *, before: str | None = None) -> None:
    """Add a page spec (idempotent by name); ``before`` places it ahead of another page."""
    if any(existing.name == spec.name for existing in PAGES):
        return
    index = next((i for i, existing in enumerate(PAGES) if existing.name == before), len(PAGES))
    PAGES.insert(index, spec)


def specs_for(principal: Principal | None) -> list[PageSpec]:
    """The pages this user may see, in sidebar order.

    Anonymous visitors get the login page only; a user whose password must change gets
    only the settings page until they change it.
    """
    if principal is None:
        return [LOGIN_PAGE]
    if principal.must_change_password:
        return [spec for spec in PAGES if spec.name == SETTINGS_NAME]
    return [spec for spec in PAGES if principal.role in spec.roles]


def _runner(spec: PageSpec) -> Callable[[], None]:
    """Import the page module only when its page runs (keeps each run light)."""

    def run() -> None:
        try:
            module = importlib.import_module(spec.module_name)
        except ModuleNotFoundError as exc:
            if exc.name != spec.module_name:
                raise
            st.info(t("common.page_unavailable"))
            return
        module.render()

    run.__name__ = f"page_{spec.name}"
    return run


def build_pages(principal: Principal | None) -> dict[str, list[st.Page]]:
    """``st.navigation`` input: sections (translated) -> pages; remembers pages for ``switch_to``."""
    specs = specs_for(principal)
    has_default = any(spec.default for spec in specs)
    sections: dict[str, list[st.Page]] = {}
    by_name: dict[str, st.Page] = {}
    for index, spec in enumerate(specs):
        page = st.Page(
            _runner(spec),
            title=t(spec.title_key),
            icon=spec.icon,
            url_path=spec.name,
            default=spec.default or (not has_default and index == 0),
        )
        sections.setdefault(t(spec.section_key), []).append(page)
        by_name[spec.name] = page
    if len(specs) == 1:
        # Anonymous (or forced to change the password): every other address shows this one
        # page instead of Streamlit's "page not found", e.g. a bookmarked practice link.
        only = specs[0]
        for other in [*PAGES, LOGIN_PAGE]:
            if other.name not in by_name:
                sections[t(only.section_key)].append(st.Page(_runner(only), title=t(only.title_key), url_path=other.name))
                by_name[other.name] = sections[t(only.section_key)][-1]
    st.session_state[PAGES_KEY] = by_name
    return sections


def page(name: str) -> st.Page | None:
    """This run's ``st.Page`` for a registered name (for ``st.page_link``), or None if hidden."""
    pages: dict[str, st.Page] = st.session_state.get(PAGES_KEY, {})
    return pages.get(name)


def switch_to(name: str) -> None:
    """Go to a page by name (e.g. ``switch_to("practice")`` from the picker)."""
    target = page(name)
    if target is None:
        st.error(t("common.error.forbidden"))
        st.stop()
    st.switch_page(target)


def logout_form_html() -> str:
    """A plain POST form: the logout route needs the HttpOnly cookie, which scripts cannot read."""
    label = html.escape(t("auth.logout.button"))
    return (
        f'<form class="kohtaamo-logout" method="post" action="{LOGOUT_PATH}">'
        f'<input type="hidden" name="{LANGUAGE_FIELD}" value="{html.escape(current_language())}">'
        f'<button type="submit" data-testid="kohtaamo-logout">{label}</button></form>'
        "<style>.kohtaamo-logout button{width:100%;padding:.4rem .75rem;border-radius:.5rem;"
        "border:1px solid rgba(49,51,63,.2);background:transparent;color:inherit;font:inherit;cursor:pointer}"
        ".kohtaamo-logout button:hover{border-color:#ff4b4b;color:#ff4b4b}</style>"
    )


# Bundled and served by Streamlit from this server: a ":material/..." page icon made every
# browser fetch the favicon from a third-party font CDN.
FAVICON: Final = Path(__file__).with_name("static") / "favicon.png"

# Streamlit pads highlighted words sideways, which reads as extra spaces around them
# ("Hei  Furaha ,"); the highlight keeps only its vertical padding. Static CSS, no user text.
SHELL_CSS: Final = "<style>span.stMarkdownColoredBackground{padding-left:0 !important;padding-right:0 !important}</style>"


def account_box(principal: Principal) -> None:
    """Who is logged in (shown as text, never markdown) and the logout button."""
    with st.sidebar:
        st.caption(t("common.signed_in_as"))
        role = t(ROLE_KEYS[principal.role]) if principal.role in ROLE_KEYS else principal.role
        st.text(f"{principal.display_name} ({role})")
        st.html(logout_form_html())


def main() -> None:
    """The entry point ``streamlit_app.py`` calls on every run."""
    st.set_page_config(page_title="Kohtaamo", page_icon=str(FAVICON), layout="centered")
    st.html(SHELL_CSS)
    principal = current_principal()
    single = len(specs_for(principal)) == 1
    navigation = st.navigation(build_pages(principal), position="hidden" if single else "sidebar")
    if principal is not None:
        account_box(principal)
    navigation.run()


__all__ = ["PAGES", "PageSpec", "build_pages", "main", "page", "register", "specs_for", "switch_to"]
