"""AppTest: the three-way gap by role, the learners' page from a link, and the links page."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import text

from storage.db import make_engine
from survey import learners
from survey.learner_questionnaire import default
from i18n import Translator
from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page, texts

HIDDEN = "moins de 5 réponses"
SECTION = "Responsables, formateur·rices et apprenant·es : trois regards"


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)




MEANS = ["Périmètre", "Affirmation (formulation apprenant·es)", "Qui répond", "Score (0-100)",
         "Borne basse", "Borne haute", "Répondant·es"]
GAPS = ["Périmètre", "Affirmation (formulation apprenant·es)", "Comparaison", "Écart", "Borne basse",
        "Borne haute", "Écart réel"]


def exported_three_views(at, deferred) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The overview's XLSX as the download builds it: its 'three views' and learners' gaps sheets."""
    button = next(b for b in at.download_button if b.label == "Télécharger le XLSX")
    wb = openpyxl.load_workbook(io.BytesIO(deferred[button.proto.deferred_file_id]()))
    sheets = []
    for name, header in (("Trois regards", MEANS), ("Écarts des apprenant·es", GAPS)):
        rows = list(wb[name].iter_rows(values_only=True))
        assert list(rows[0]) == header
        sheets.append(pd.DataFrame(rows[1:], columns=header))
    return sheets[0], sheets[1]


def assert_export_matches_page(page: pd.DataFrame, means: pd.DataFrame, gaps: pd.DataFrame, scope: str):
    """Every exported figure is the one the page shows in that cell; a hidden cell stays hidden."""
    fr = Translator("fr")
    means, gaps = means[means["Périmètre"] == scope], gaps[gaps["Périmètre"] == scope]
    statement = "Affirmation (formulation apprenant·es)"
    assert list(dict.fromkeys(means[statement])) == page[statement].tolist()
    for _, row in page.iterrows():
        for side in ("Responsables", "Formateur·rices", "Apprenant·es"):
            got = means[(means[statement] == row[statement]) & (means["Qui répond"] == side)].iloc[0]
            if row[side] == HIDDEN:
                assert got[["Score (0-100)", "Borne basse", "Borne haute", "Répondant·es"]].tolist() == [HIDDEN] * 4
            else:
                assert row[side] == (f"{fr.number(got['Score (0-100)'])} [{fr.number(got['Borne basse'])}-"
                                     f"{fr.number(got['Borne haute'])}] (n = {got['Répondant·es']})")
        for column in ("Apprenant·es moins responsables", "Apprenant·es moins formateur·rices"):
            got = gaps[(gaps[statement] == row[statement]) & (gaps["Comparaison"] == column)].iloc[0]
            if row[column] == HIDDEN or HIDDEN in (row["Apprenant·es"], row["Responsables" if "resp" in column
                                                                          else "Formateur·rices"]):
                assert got[["Écart", "Borne basse", "Borne haute", "Écart réel"]].tolist() == [HIDDEN] * 4
            else:
                shown = float(row[column].split(" [")[0].replace(",", ".").replace("\u2212", "-"))
                assert abs(shown - float(got["Écart"])) < 0.051  # same figure (a gap near 0 may read +0,0)
                assert row[column].endswith(" *") == (got["Écart réel"] == "Oui")


def sql(url, query):
    eng = make_engine(url)
    try:
        with eng.connect() as c:
            return pd.read_sql(text(query), c)
    finally:
        eng.dispose()


def three_way_tables(at):
    return [df.value for df in at.dataframe if "Apprenant·es moins responsables" in df.value.columns]


def test_director_sees_three_views_with_intervals_and_region_fallback(demo_url, deferred):
    at = run_page("pages/overview.py", demo_viewer(demo_url, "director"), timeout=90)
    assert not at.exception, at.exception
    assert SECTION in texts(at)
    table = three_way_tables(at)[0]
    assert len(table) == len(default().mirrored())
    assert set(table.columns) >= {"Responsables", "Formateur·rices", "Apprenant·es"}
    # organisation-wide, every side has at least k people: a mean, its interval and n
    assert all("(n = " in v and "[" in v for v in table["Apprenant·es"])
    assert all("(n = " in v for v in table["Responsables"])
    # the overview's export carries the same three views, organisation-wide only
    means, gaps = exported_three_views(at, deferred)
    assert set(means["Périmètre"]) == set(gaps["Périmètre"]) == {"Organisation"}
    assert len(means) == 3 * len(table) and len(gaps) == 2 * len(table)
    assert_export_matches_page(table, means, gaps, "Organisation")
    # the closed campaign: a site with too few learners shows its region's learners instead
    closed = int(sql(demo_url, "select id from campaign where status = 'closed'")["id"].iloc[0])
    small = sql(demo_url, f"select site_id, count(*) n from learnerresponse where campaign_id = {closed} "
                          "group by site_id order by n")
    site = int(small["site_id"].iloc[0])
    assert small["n"].iloc[0] < 5
    at.selectbox(key="ov_campaign").set_value(closed).run()
    at.selectbox(key="ov_site").set_value(site).run()
    assert not at.exception, at.exception
    tables = three_way_tables(at)
    assert len(tables) == 2  # the site, then its region
    site_table, region_table = tables
    assert (site_table["Apprenant·es"] == HIDDEN).all() and (site_table["Responsables"] == HIDDEN).all()
    assert not (region_table["Apprenant·es"] == HIDDEN).all()
    assert "Certains chiffres du site ne peuvent pas être montrés" in texts(at)
    # exported: the site (its hidden sides as text, never a number), then its region, nothing else
    means, gaps = exported_three_views(at, deferred)
    site_name = sql(demo_url, f"select name from site where id = {site}")["name"].iloc[0]
    region_name = sql(demo_url, f"select r.name from region r join site s on s.region_id = r.id "
                                f"where s.id = {site}")["name"].iloc[0]
    assert list(dict.fromkeys(means["Périmètre"])) == [site_name, region_name]
    assert_export_matches_page(site_table, means, gaps, site_name)
    assert_export_matches_page(region_table, means, gaps, region_name)


def test_manager_sees_own_site_and_region_only(demo_url, deferred):
    viewer = demo_viewer(demo_url, "manager")
    at = run_page("pages/overview.py", viewer, timeout=90)
    assert not at.exception, at.exception
    assert SECTION in texts(at)
    tables = three_way_tables(at)
    assert tables, "the manager sees the three views of their site"
    # managers of one site are fewer than k: their side is never shown at the site
    assert (tables[0]["Responsables"] == HIDDEN).all()
    # the site export carries the same nodes and figures; the site's managers stay hidden
    means, gaps = exported_three_views(at, deferred)
    names = list(dict.fromkeys(means["Périmètre"]))
    assert len(names) == len(tables)
    for name, table in zip(names, tables):
        assert_export_matches_page(table, means, gaps, name)
    site_rows = means[(means["Périmètre"] == names[0]) & (means["Qui répond"] == "Responsables")]
    assert (site_rows["Score (0-100)"] == HIDDEN).all() and (site_rows["Répondant·es"] == HIDDEN).all()
    # no other site's name appears as a heading of the section
    units = sql(demo_url, "select id, name from site")
    others = set(units.loc[units["id"] != viewer.site_id, "name"])
    shown = texts(at)
    assert not [name for name in others if f"{name}\n" in shown or f"*{name}*" in shown]


@pytest.mark.parametrize("role", ["trainer", "lead"])
def test_other_roles_do_not_see_the_overview_or_links(demo_url, role):
    for page in ("pages/overview.py", "pages/learner_links.py"):
        at = run_page(page, demo_viewer(demo_url, role))
        assert "Vous n’avez pas accès à cette page." in texts(at)
        assert not three_way_tables(at)


def open_campaign(url) -> tuple[int, int]:
    row = sql(url, "select c.id, min(s.id) site from campaign c, site s where c.status = 'open' group by c.id")
    return int(row["id"].iloc[0]), int(row["site"].iloc[0])


def test_learner_answers_from_a_link_without_sign_in(demo_url):
    cid, site = open_campaign(demo_url)
    eng = make_engine(demo_url)
    token = learners.create_link(eng, cid, site, "AppTest")
    at = run_page("pages/learners.py", None)
    assert "lien apprenant·es" in texts(at)  # no token: says where the link comes from
    at.query_params["l"] = token
    at.run()
    assert not at.exception, at.exception
    q = default()
    radios = [r for r in at.radio if r.key and r.key.startswith("learner_")]
    assert len(radios) == len(q.items)
    radios[0].set_value(4)
    at.button(key="FormSubmitter:learner_form-Envoyer mes réponses").click().run()
    assert "Merci de répondre à chaque affirmation" in texts(at)  # nothing saved yet
    assert learners.links_table(eng, cid).query("cohort == 'AppTest'")["answers"].iloc[0] == 0
    for n, radio in enumerate(at.radio):
        if radio.key and radio.key.startswith("learner_"):
            radio.set_value(n % 6)
    at.button(key="FormSubmitter:learner_form-Envoyer mes réponses").click().run()
    assert not at.exception, at.exception
    assert "Vos réponses ont été envoyées" in texts(at)
    assert learners.links_table(eng, cid).query("cohort == 'AppTest'")["answers"].iloc[0] == 1
    # closed: a clear message, nothing more accepted
    link_id = int(learners.links_table(eng, cid).query("cohort == 'AppTest'")["link_id"].iloc[0])
    learners.close_link(eng, link_id)
    again = run_page("pages/learners.py", None)
    again.query_params["l"] = token
    again.run()
    assert "a été fermé" in texts(again) and not [r for r in again.radio if r.key]
    eng.dispose()


def test_director_creates_and_closes_a_link(demo_url):
    at = run_page("pages/learner_links.py", demo_viewer(demo_url, "director"))
    assert not at.exception, at.exception
    cid = at.selectbox(key="ll_campaign").value
    n0 = len(learners.links_table(make_engine(demo_url), cid))
    at.text_input(key="ll_cohort").input("BTS 1re année")
    at.button(key="FormSubmitter:ll_new-Créer un lien apprenant·es").click().run()
    assert not at.exception, at.exception
    link = at.code[0].value
    assert "/learners?l=" in link
    eng = make_engine(demo_url)
    assert learners.resolve(eng, link.split("l=")[1]).cohort == "BTS 1re année"
    assert len(learners.links_table(eng, cid)) == n0 + 1
    new_id = int(learners.links_table(eng, cid)["link_id"].max())
    at.selectbox(key="ll_close_which").set_value(new_id).run()
    at.button(key="ll_close").click().run()
    assert not at.exception, at.exception
    with pytest.raises(learners.LearnerLinkError):
        learners.resolve(eng, link.split("l=")[1])
    eng.dispose()


def test_learner_page_in_english(demo_url):
    cid, site = open_campaign(demo_url)
    eng = make_engine(demo_url)
    token = learners.create_link(eng, cid, site, "English")
    eng.dispose()
    at = run_page("pages/learners.py", None, lang="en")
    at.query_params["l"] = token
    at.run()
    assert not at.exception, at.exception
    q = default()
    assert at.title[0].value == q.title["en"]
    labels = [r.label for r in at.radio if r.key and r.key.startswith("learner_")]
    assert labels[0] == f"1. {q.items[0].text['en']}"
    assert at.radio(key="learner_L-01").options[-1] == q.dont_know["en"]
