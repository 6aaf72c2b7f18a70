"""Accessibility statement (déclaration d'accessibilité), open to everyone: its figures come
from the latest complete axe-core audit (accessibility.audit), not from this page."""

import streamlit as st

from accessibility import audit
from i18n import RelaisError
from ui import context
from ui.context import t

context.ensure_shell()
tr = context.translator()
st.title(t("Accessibility statement"))
st.write(t("The organisation that runs Relais is committed to making it accessible, in line "
           "with article 47 of French law no. 2005-102 of 11 February 2005. This statement "
           "applies to the Relais application: questionnaire, personal result, dashboards, "
           "champions map, cohort planner and administration pages."))

try:
    found = audit.load()
except RelaisError as err:
    context.show_error(err)
    found = None

st.header(t("Conformance status"))
if found is not None and found.blocking == 0:
    st.write(t("Relais is partially conformant with RGAA version 4.1 (WCAG 2.1 level AA): the "
               "automated audit finds no serious or critical violation on any page, but a full "
               "manual audit of every RGAA criterion has not been carried out yet."))
else:
    st.write(t("Relais is not conformant with RGAA version 4.1 (WCAG 2.1 level AA): the "
               "automated audit found serious or critical violations, listed below."))

if found is not None:
    st.header(t("Test results"))
    st.markdown("\n".join(f"- {line}" for line in (
        t("Date of the audit: {date}.", date=tr.date(found.date, "long")),
        t("Rules: {standard}, run by {tool} in Chromium.", standard=found.standard,
          tool=found.tool),
        t("Pages audited: {pages}: every page of every role and of visitors, in French and in "
          "English, plus each section of the questionnaire, the personal result, the champions "
          "map with a site's detail and the planner with a computed plan.",
          pages=found.pages_audited),
        t("Serious or critical violations found: {n}.", n=found.blocking),
        t("Moderate or minor violations found: {rules}.",
          rules=", ".join(found.other_rules) if found.other_rules else t("none")),
    )))
    if found.pages_with_blocking:
        st.write(t("Pages with a serious or critical violation: {pages}.",
                   pages=", ".join(found.pages_with_blocking)))

st.header(t("What is not yet accessible"))
st.markdown("\n".join(f"- {line}" for line in (
    t("Charts are drawn as graphics: under each one, a sentence says what it shows and a "
      "table, collapsed by default, gives the same figures. Text inside the graphics (axis "
      "labels) is not checked for contrast."),
    t("The tables of the cohort planner and of some administration pages use an interactive "
      "grid that screen readers read poorly; the same figures are in the XLSX and CSV "
      "downloads."),
    t("Downloaded PDF files (personal result, reports) are not tagged PDF documents."),
    t("The menu is a single list without section headings, because the menu with sections "
      "drawn by the framework is not valid list markup."),
    t("A few labels that the framework gives to screen readers are in English on French "
      "pages: the link to skip to the main content, the links next to headings and the "
      "button that opens a list."),
    t("No manual audit of the RGAA criteria has been made yet: automated rules find only part "
      "of the problems (keyboard use, reading order and wording need a person)."),
)))

st.header(t("Feedback and contact"))
st.write(t("If you cannot use a page or a content, tell the administrator of Relais in your "
           "organisation (or the person who sent you your personal link): they will give you "
           "an accessible alternative, for example your questionnaire on paper or your result "
           "as text, and have the problem fixed."))

st.header(t("Legal remedies"))
st.write(t("If you told us about a problem and did not get a satisfactory answer, you can "
           "contact the Défenseur des droits: through the online form at "
           "https://formulaire.defenseurdesdroits.fr/, through one of its local delegates, or "
           "by free post to Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07."))

st.header(t("How this statement was made"))
st.write(t("The figures above are written by the automated audit of the test suite "
           "(make test), which opens every page of every role and of visitors in French and "
           "in English; technologies relied on: HTML, CSS, JavaScript and WAI-ARIA."))
