"""My account: staff change their password (required after an admin reset)."""

import streamlit as st

from accounts import signin
from i18n import RelaisError
from ui import auth, context
from ui.context import t
from ui.navigation import roles_for

viewer = context.require(*roles_for("pages/account.py"), allow_must_change=True)
st.title(t("My account"))
if viewer.via != "password":
    st.info(t("You signed in through {via}; your password is managed there.",
              via=t("your organisation account") if viewer.via == "oidc" else t("the demo")))
    st.stop()
if signin.must_change_password(context.engine(), viewer.person_id):
    # The one-time password was consumed at sign-in: only the new password is asked for.
    st.warning(t("Your password was reset by an administrator: choose a new one now."))
    with st.form("replace_one_time_password"):
        new = st.text_input(t("New password"), type="password", key="otp_new",
                            autocomplete="new-password")
        again = st.text_input(t("New password again"), type="password", key="otp_again",
                              autocomplete="new-password")
        submitted = st.form_submit_button(t("Change my password"), type="primary")
    if submitted:
        if new != again:
            st.error(t("The two new passwords differ."))
        else:
            try:
                signin.replace_one_time_password(context.engine(), viewer.person_id, new,
                                                 where=auth.where())
            except RelaisError as err:
                context.show_error(err)
            else:
                context.refresh_viewer()
                st.success(t("Your password has been changed."))
                st.rerun()
    st.stop()
with st.form("change_password"):
    current = st.text_input(t("Current password"), type="password", key="pw_current")
    new = st.text_input(t("New password"), type="password", key="pw_new")
    again = st.text_input(t("New password again"), type="password", key="pw_again")
    submitted = st.form_submit_button(t("Change my password"), type="primary")
if submitted:
    if new != again:
        st.error(t("The two new passwords differ."))
    else:
        try:
            signin.change_password(context.engine(), viewer.person_id, current, new)
            st.success(t("Your password has been changed."))
        except RelaisError as err:
            context.show_error(err)
