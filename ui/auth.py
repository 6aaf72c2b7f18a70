"""Sign-in glue for pages: OIDC via st.login when configured, password sign-in, sign-out."""

from __future__ import annotations

import logging

import streamlit as st

from accounts import signin
from accounts.secrets import oidc_configured
from storage.models import Person
from ui import context
from ui.context import Viewer, t

log = logging.getLogger("relais")


def secrets_map() -> dict:
    """st.secrets as a plain dict, or {} when the deployment has no secrets file."""
    try:
        return st.secrets.to_dict()
    except Exception:  # noqa: BLE001 - no secrets.toml is a normal deployment
        return {}


def oidc_enabled() -> bool:
    return oidc_configured(secrets_map())


def client_address() -> str | None:
    """The browser's address as the server sees it (None in tests and bare mode)."""
    try:
        ip = st.context.ip_address
    except Exception:  # noqa: BLE001 - not available in every runtime (tests, bare mode)
        return None
    return ip if isinstance(ip, str) and ip else None  # AppTest hands back a stand-in


def where() -> str:
    """Where an action comes from, for the audit log: the app and the client's address."""
    ip = client_address()
    return f"app {ip}" if ip else "app"


def viewer_of(person: Person, via: str) -> Viewer:
    return Viewer(person_id=person.id, role=person.role, site_id=person.site_id, via=via,
                  name=f"{person.first_name} {person.last_name}")


def adopt_oidc_identity() -> None:
    """After st.login, map the provider's verified email to a staff person (once per session)."""
    if context.viewer() is not None or not oidc_enabled():
        return
    try:
        user = st.user
        if not user.is_logged_in:
            return
        email, verified = user.get("email"), user.get("email_verified", True)
    except Exception:  # noqa: BLE001
        log.exception("reading st.user failed")
        return
    person = signin.staff_for_verified_email(context.engine(), email,
                                                                 where=where()) if email and verified \
        else None
    if person is None:
        st.error(t("Your account {email} is not registered as staff in Relais.",
                   email=email or "?"))
        if st.button(t("Sign out"), key="oidc_sign_out"):
            st.logout()
        st.stop()
    context.sign_in(viewer_of(person, "oidc"))


def sign_out() -> None:
    """End the session (and the provider's session for OIDC sign-ins), recorded in the audit."""
    v = context.viewer()
    if v is not None and v.via in {"password", "oidc"}:
        signin.record_sign_out(context.engine(), v.person_id, where())
    context.sign_out()
    if v is not None and v.via == "oidc":
        st.logout()
