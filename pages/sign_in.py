"""Sign in: the organisation's identity provider when configured, else email and password."""

import streamlit as st

from accounts import demo, signin
from ui import auth, context
from ui.context import t

context.ensure_shell()
if context.viewer() is not None:  # open to visitors only (no role has it in PAGES)
    st.error(t("You do not have access to this page."))
    st.stop()

st.title(t("Sign in"))
if demo.demo_sign_in_allowed(context.engine()):
    st.warning(t("Demo mode: the people and answers below are fictitious. Choose a role to "
                 "look around."), icon=":material/science:")

if auth.oidc_enabled():
    st.write(t("Sign in with your organisation account."))
    if st.button(t("Sign in with your organisation account"), key="oidc_login", type="primary"):
        st.login()
    st.divider()
    st.caption(t("Administrators without an organisation account can still use their email "
                 "and password below."))
st.caption(t("Trainers do not need an account: they answer through their personal link."))

with st.form("sign_in_form"):
    email = st.text_input(t("Email"), key="sign_in_email", autocomplete="username")
    password = st.text_input(t("Password"), type="password", key="sign_in_password",
                             autocomplete="current-password")
    submitted = st.form_submit_button(t("Sign in"), type="primary")

if submitted:
    person = signin.authenticate(context.engine(), email, password, where=auth.where(),
                                  client=auth.client_address())
    if person is None:
        st.error(t(signin.FAILURE_MESSAGE))
    else:
        auth.open_session(person, "password")
        # A rerun rebuilds the menu for the role; this page is not in it, so the home page shows.
        # (st.switch_page to a script under pages/ drops Streamlit back to its folder-based menu.)
        st.rerun()
