"""Whatever bytes arrive, the parser and validator answer with a clear problem or rows, nothing else."""

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.parse import ImportProblem, parse
from roster.validate import Directory, validate

EMPTY_DIR = Directory(sites={"lyon": 1}, regions={"ara": 1}, by_email={}, by_external={})
HEADERS = ["Prénom", "Nom", "Courriel", "Matricule", "Rôle", "Site", "Région", "Langue",
           "first name", "email", "role", "Autre", ""]
CELL = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


def parse_and_validate(data: bytes, name: str) -> None:
    try:
        rows = parse(data, name)
    except ImportProblem as err:
        assert err.render("fr") and err.render("en")
        return
    assert isinstance(rows, pd.DataFrame)
    result = validate(rows, EMPTY_DIR, create_sites=True)
    for problem in result.problems:
        assert isinstance(problem, ImportProblem) and problem.render("fr")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(["r.csv", "r.xlsx", "r.txt"]))
def test_random_bytes(data, name):
    parse_and_validate(data, name)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=9),
       rows=st.lists(st.lists(CELL, max_size=10), max_size=15),
       sep=st.sampled_from([";", ",", "\t"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_csv(header, rows, sep, encoding):
    text = "\r\n".join(sep.join(r) for r in [header, *rows])
    data = text.encode(encoding, errors="replace")
    parse_and_validate(data, "roster.csv")
