"""Home: the demo sign-in for visitors, a short orientation for signed-in people."""

import streamlit as st

from accounts import demo, signin
from storage import queries
from storage.config import demo_mode
from ui import auth, context
from ui.context import t
from ui.navigation import ROLE_NAMES
from ui.text import plain


def _enter_demo(role: str) -> None:
    # Checked again here, on the server: a button drawn earlier proves nothing.
    person = demo.demo_sign_in(context.engine(), role, where=auth.where())
    if person is not None:
        context.sign_in(auth.viewer_of(person, "demo"))


context.ensure_shell()
viewer = context.viewer()
st.title("Relais")
st.write(t("Relais measures how far your organisation has taken digital training, finds the "
           "trainers who already lead it, and plans how to spread their practice."))

if viewer is None:
    if not demo.demo_sign_in_allowed(context.engine()):
        # A real organisation's database (or RELAIS_DEMO=0): no demo buttons, whatever it holds.
        if demo_mode() and queries.is_empty(context.engine()):
            st.error(t("The database is empty. Load the demo organisation with "
                       "`python manage.py demo`."))
        else:
            st.info(t("Please sign in to see this page."))
            st.page_link("pages/sign_in.py", label=t("Sign in"), icon=":material/login:")
        st.stop()
    st.warning(t("Demo mode: the people and answers below are fictitious. Choose a role to "
                 "look around."), icon=":material/science:")
    people = queries.demo_people(context.engine())
    if not people:
        st.error(t("The database is empty. Load the demo organisation with "
                   "`python manage.py demo`."))
        st.stop()
    cols = st.columns(len(ROLE_NAMES))
    for col, (role, label) in zip(cols, ROLE_NAMES.items()):
        person = people.get(role)
        with col:
            st.button(t(label), key=f"demo_{role}", disabled=person is None, width="stretch",
                      on_click=_enter_demo, args=(role,))
            if person is not None:
                st.caption(plain(f"{person.first_name} {person.last_name}"))
    st.stop()

st.subheader(t("Welcome, {name}", name=plain(viewer.name)))
if viewer.via == "demo":
    st.info(t("Demo mode: the people and answers below are fictitious. Choose a role to "
              "look around."), icon=":material/science:")
st.write(t("You are signed in as {role}. The menu shows the pages open to this role.",
           role=t(ROLE_NAMES[viewer.role])))
if viewer.via == "password" and signin.must_change_password(context.engine(), viewer.person_id):
    st.warning(t("Your password was reset by an administrator: choose a new one now."))
    st.page_link("pages/account.py", label=t("My account"), icon=":material/account_circle:")
if viewer.site_id:
    site = queries.site_name(context.engine(), viewer.site_id)
    st.write(t("Your site: {site}", site=plain(site)))
