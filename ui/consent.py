"""The trainer's consent panel, for their personal-link page: see and withdraw at any time."""

from __future__ import annotations

import streamlit as st

from privacy.consent import has_consented, set_consent
from ui import context
from ui.context import t


def consent_panel(person_id: int, key: str = "consent") -> None:
    """Show whether the trainer agreed to be named to the digital lead, with a switch."""
    engine = context.engine()
    granted = has_consented(engine, person_id)
    st.subheader(t("Being named to the digital-engineering lead"))
    if granted:
        st.write(t("You agreed that the digital-engineering lead may see your name as a "
                   "possible relay trainer. You can withdraw this at any time; it applies "
                   "at once."))
        if st.button(t("Withdraw my consent"), key=f"{key}_withdraw"):
            set_consent(engine, person_id, False)
            st.success(t("Your consent is withdrawn: your name no longer appears anywhere."))
    else:
        st.write(t("Your name is not shown to the digital-engineering lead."))
        if st.button(t("I agree to be named"), key=f"{key}_grant"):
            set_consent(engine, person_id, True)
            st.rerun()
