"""The questionnaire's callbacks: save what the person changed, move, submit.

A section is one form: the browser sends it whole when a button is pressed.
The callback saves only the answers that differ from the database, each with
the revision its widget was drawn from (``survey.answering.save_changes``),
removes an answer only where the person emptied the box that showed it, and
checks completeness on what is stored. So a partial or stale view (widget
state Streamlit dropped, a second tab, a delayed request) can neither erase
nor overwrite a stored answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from i18n import N_, RelaisError
from survey import answering
from survey.answering import Change
from survey.schema import Questionnaire, Section
from ui.answer_form import bases, current, show_stored, widget_key
from ui.context import lang, t

FLASH = "survey_flash"
STALE = N_("This answer was changed in another window or tab meanwhile: the newer answer is "
           "kept and shown here.")


@dataclass(frozen=True)
class SectionSaver:
    """Callbacks for one response and the section on screen."""

    eng: Engine
    rid: int
    q: Questionnaire
    index: int
    prefix: str

    @property
    def section(self) -> Section:
        return self.q.sections[self.index]

    @property
    def errors_key(self) -> str:
        return f"errors:{self.rid}"

    @property
    def notices_key(self) -> str:
        return f"notices:{self.rid}"

    def _apply(self, result: answering.SaveResult) -> None:
        """Bring widgets and their revisions in line with what the save left stored."""
        items = {it.id: it for sec in self.q.sections for it in sec.items}
        marks = bases(self.prefix)
        notices = st.session_state.setdefault(self.notices_key, {})
        for item_id, revision in result.revisions.items():
            marks[item_id] = revision
        for item_id, value in result.stale.items():
            show_stored(self.prefix, items[item_id], value, result.revisions[item_id])
            notices[item_id] = RelaisError(STALE)
        for item_id in result.cleared:
            st.session_state.pop(widget_key(self.prefix, items[item_id]), None)

    def _flush(self) -> dict[str, RelaisError]:
        """Save what the section's form sent that differs from the database.

        Only the form's own widgets count (a widget whose state is gone is left
        alone); an answer is removed only where the person emptied a box or a
        list that showed it. Returns the per-question value errors.
        """
        st.session_state.setdefault(self.notices_key, {}).clear()
        stored = answering.load_state(self.eng, self.rid)
        held = {it.id: current(self.prefix, it) for it in self.section.items
                if widget_key(self.prefix, it) in st.session_state}
        view = {**stored.answers, **{k: v for k, v in held.items() if v not in (None, [])}}
        changed = [it for it in self.section.items if it.id in held
                   and held[it.id] != stored.answers.get(it.id)
                   and (held[it.id] not in (None, []) or it.type in ("multi", "integer"))
                   and answering.is_visible(it, view)]
        invalid = {i: e for i, e in answering.validate_section(self.section, view).items()
                   if i in {it.id for it in changed} and held[i] not in (None, [])}
        changes = [Change(it.id, held[it.id] if held[it.id] != [] else None,
                          bases(self.prefix).get(it.id))
                   for it in changed if it.id not in invalid]
        if changes:
            self._apply(answering.save_changes(self.eng, self.rid, changes))
        return invalid

    def _complete(self) -> bool:
        """Save the section, then check it on what is stored; say what is missing if not."""
        invalid = self._flush()
        stored = answering.load_state(self.eng, self.rid)
        found = {**answering.validate_section(self.section, stored.answers), **invalid}
        st.session_state[self.errors_key] = found
        if found:
            st.session_state[FLASH] = ("error", t("Some answers are missing or not valid: "
                                                  "see the messages below."))
        return not found

    def _guard(self, action) -> None:  # noqa: ANN001
        try:
            action()
        except RelaisError as err:
            st.session_state[FLASH] = ("error", err.render(lang()))
        except OperationalError:
            st.session_state[FLASH] = ("error", t("The server is very busy: nothing was lost, "
                                                  "but this step did not go through. Please "
                                                  "press the button again in a moment."))

    def next(self) -> None:
        def go() -> None:
            if not self._complete():
                return
            answering.set_position(self.eng, self.rid, self.index + 1)
            st.session_state.pop(FLASH, None)
        self._guard(go)

    def previous(self) -> None:
        def go() -> None:
            self._flush()
            st.session_state[self.errors_key] = {}
            answering.set_position(self.eng, self.rid, self.index - 1)
            st.session_state.pop(FLASH, None)
        self._guard(go)

    def later(self) -> None:
        def go() -> None:
            self._flush()
            st.session_state[FLASH] = ("success", t(
                "Saved. Come back whenever you like with the same link: you will start again "
                "here."))
        self._guard(go)

    def submit(self) -> None:
        def go() -> None:
            if not self._complete():
                return
            try:
                answering.submit(self.eng, self.rid)
            except answering.Incomplete as inc:
                st.session_state[self.errors_key] = inc.errors
                answering.set_position(self.eng, self.rid, inc.section_index)
                st.session_state[FLASH] = ("error", t("Some answers are missing in this "
                                                      "section."))
                return
            st.session_state.pop(FLASH, None)
        self._guard(go)
