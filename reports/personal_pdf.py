"""The personal result as a PDF (fpdf2, DejaVu Sans for French accents)."""

from __future__ import annotations

from pathlib import Path

import vl_convert as vlc
from fpdf import FPDF

from i18n import Translator
from reports.personal_chart import result_chart
from survey.result import PersonalResult

# fonts-dejavu-core (installed by scripts/ensure_chromium.sh)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def chart_png(result: PersonalResult, lang: str) -> bytes:
    """The page's chart rendered to PNG."""
    return vlc.vegalite_to_png(result_chart(result, lang).to_json(), scale=2)


def personal_pdf(result: PersonalResult, lang: str, person: str, campaign: str) -> bytes:
    """A one- or two-page PDF of the result."""
    t = Translator(lang)
    pdf = FPDF()
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, t("My personal result"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 10)
    pdf.multi_cell(0, 6, f"{person} — {campaign}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, result.title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 12)
    overall = (t("Overall level: {code} {name} ({score}/100)", code=result.overall_level,
                 name=result.overall_level_name, score=t.number(result.overall_score, 0))
               if result.overall_level else t("Overall level: no score"))
    pdf.multi_cell(0, 7, overall, new_x="LMARGIN", new_y="NEXT")
    pdf.image(chart_png(result, lang), w=170)
    for title, group in ((t("My strengths"), result.strengths),
                         (t("My priorities"), result.priorities)):
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        for a in group:
            pdf.set_font("DejaVu", "B", 10)
            pdf.multi_cell(0, 6, f"{a.name} — {a.level} {a.level_name}",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("DejaVu", "", 10)
            if a.next_step:
                pdf.multi_cell(0, 5, t("Next step: {step}", step=a.next_step),
                               new_x="LMARGIN", new_y="NEXT")
    if result.model_notes:  # questionnaire v2 scored against the organisation's model
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 10)
        pdf.multi_cell(0, 6, t("Your organisation's model"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", "", 9)
        for note in result.model_notes:
            pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(0, 4, t("This result is yours: nobody else sees it. Others see only "
                           "groups of at least {k} people.", k=5), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
