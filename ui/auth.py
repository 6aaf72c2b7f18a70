"""Sign-in glue for pages: OIDC via st.login when configured, password sign-in, sign-out."""

from __future__ import annotations

import json
import logging

import streamlit as st

from accounts import sessions, signin
from accounts.secrets import oidc_configured
from storage import queries
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


def open_session(person: Person, via: str, oidc: str | None = None) -> None:
    """Sign person in for this tab and open the server-side session that outlives reloads;
    the browser receives its HttpOnly cookie through :func:`hand_cookie_over`."""
    session_id, code = sessions.start(context.engine(), person.id, via, oidc)
    context.sign_in(viewer_of(person, via))
    st.session_state["session_id"] = session_id
    st.session_state["session_handoff"] = code


def _cookie_token() -> str | None:
    try:
        token = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # noqa: BLE001 - no request context (tests, bare mode)
        return None
    return token if isinstance(token, str) else None


def resume_from_cookie() -> None:
    """A reload or a new tab: sign back in from the session cookie while it is live."""
    if context.viewer() is not None:
        return
    row = sessions.resume(context.engine(), _cookie_token())
    if row is None:
        return
    person = queries.get_person(context.engine(), row.person_id)
    if person is None:
        return
    context.sign_in(viewer_of(person, row.via))
    st.session_state["session_id"] = row.id


def hand_cookie_over() -> None:
    """Have the browser trade the one-time code for its HttpOnly cookie (serve.py's route)."""
    code = st.session_state.get("session_handoff")
    if not code:
        return
    session_id = st.session_state.get("session_id")
    if session_id is None or sessions.redeemed(context.engine(), session_id):
        st.session_state.pop("session_handoff", None)
        return
    _fetch("POST", code)


def _fetch(method: str, body: str = "") -> None:
    # The script only ever holds the one-time code, never the session token.
    st.html(f"<script>fetch(window.location.origin + {json.dumps(sessions.ROUTE)}, "
            f"{{method: {json.dumps(method)}, body: {json.dumps(body) if body else 'null'}, "
            "credentials: 'same-origin', cache: 'no-store'});</script>",
            unsafe_allow_javascript=True)


def clear_cookie_if_signed_out() -> None:
    """After a sign-out, have the browser drop the (already ended) session's cookie."""
    if st.session_state.pop("session_clear_cookie", False):
        _fetch("DELETE")


def _oidc_claims() -> dict | None:
    try:
        user = st.user
        if not user.is_logged_in:
            return None
        return user.to_dict()
    except Exception:  # noqa: BLE001
        log.exception("reading st.user failed")
        return None


def adopt_oidc_identity() -> None:
    """After st.login, map the provider's verified email to a staff person, once per
    provider sign-in: when its Relais session has ended, the provider is asked again."""
    if context.viewer() is not None or not oidc_enabled():
        return
    claims = _oidc_claims()
    if claims is None:
        return
    email = claims.get("email")
    # Only an explicit true counts: a provider that does not vouch for the email is refused.
    verified = claims.get("email_verified") is True or claims.get("email_verified") == "true"
    # one provider sign-in = one Relais session: a st.login cookie outliving its session
    # (30 days in Streamlit) cannot open another one
    key = sessions.oidc_key(str(claims.get("iss", "")), str(claims.get("sub", "")),
                            claims.get("iat") or claims.get("exp") or "")
    previous = sessions.for_oidc(context.engine(), key)
    if previous is not None:
        person = queries.get_person(context.engine(), previous.person_id)
        if person is not None and sessions.check(context.engine(), previous.id):
            context.sign_in(viewer_of(person, "oidc"))
            st.session_state["session_id"] = previous.id
            return
        st.logout()  # that sign-in's session ended (sign-out, expiry): sign in again
        return
    person = signin.staff_for_verified_email(context.engine(), email, where=where()) \
        if email and verified else None
    if person is None:
        if email and not verified:
            signin.record_unverified_email(context.engine(), where=where())
            st.error(t("Your organisation account did not confirm that the email {email} "
                       "is verified, so Relais cannot use it.", email=email))
        else:
            st.error(t("Your account {email} is not registered as staff in Relais.",
                       email=email or "?"))
        if st.button(t("Sign out"), key="oidc_sign_out"):
            st.logout()
        st.stop()
    open_session(person, "oidc", key)


def sign_out() -> None:
    """End the session everywhere (this tab, other tabs, the cookie, and the provider's
    session for OIDC sign-ins), recorded in the audit."""
    v = context.viewer()
    session_id = st.session_state.get("session_id")
    if session_id is not None:
        sessions.end(context.engine(), session_id)
    if v is not None and v.via in {"password", "oidc"}:
        signin.record_sign_out(context.engine(), v.person_id, where())
    context.sign_out()
    st.session_state["session_clear_cookie"] = True
    if v is not None and v.via == "oidc":
        st.logout()
