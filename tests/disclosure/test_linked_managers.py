"""Issue 16, managers: area scores with a part no figure shows, next to the statements that are shown.

A manager's area score (an organisation element) is the weighted mean of
every statement of the area they answered: the statements asked of trainers
too (shared), each shown on its own in the perception gaps, and the others
(non-shared), shown nowhere alone.  A manager who answered "not applicable"
to every non-shared statement of an area has an area score made of shown
statements only; the others' scores carry terms no other figure has.

The attacker here works on the real unknowns - each manager's answer to
each statement - and writes every visible managers' figure (the tree's area
and overall means, the gap statements and elements, the top-down index) as
the exact linear function of them the code computes: coefficients found by
scoring unit answers with ``scoring.responses.score_responses``, the
function the stored scores come from.

Evidence, on the layer before the per-area "answered a non-shared
statement" flag (run by hand on commit f6647c0, the test as it is here
without the flag): in ``test_nonshared_statement_does_not_expose_a_manager``
every managers' figure of the site was shown over all 6 managers (the
leadership mean, the O-LEA-1 and O-LEA-2 means, the element, the top-down
side...), and ``_exposed`` returned ``[(20014,)]``, manager 14's response
alone: the leadership sum minus 12.5 x (the O-LEA-1 sum + the O-LEA-2 sum)
cancels the five managers whose leadership score is 12.5 x (O-LEA-1 +
O-LEA-2) and leaves 6.25 x (O-LEA-3 + O-LEA-4 - O-LEA-1 - O-LEA-2) of
manager 14 alone.  Each case keeps that counterfactual as an assertion (the
world built without the flags, ``flags=False``: what the loader gave
before), so the test shows the attack still works on what the layer was
given before and no longer on what it is given now.

The same holds one step further for a shared statement a declared model
leaves out of the score (``left_out``): unreachable with the shipped
questionnaires (a score needs half of an area's statements counted, and at
most half are shared), shown on a variant where it is reachable.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboards.overview import build_overview
from disclosure.campaign import gap_items
from disclosure.release import gap_key, node_key
from disclosure.topdown import released_top_down, td_key
from scoring.data import unshared_areas
from scoring.gaps import _person_scores
from scoring.indices import top_down_people
from scoring.levels import level_of
from scoring.responses import score_responses
from scoring.store import scored_items
from tests.disclosure.sim import C2, Person, World
from tests.disclosure.test_linked import NA, _exposed, _world

K = 5


@dataclass
class _ManagersWorld(World):
    """The sim's world, with managers' non-shared answers and their scores computed from answers."""

    own: dict[int, dict[str, float]] = field(default_factory=dict)  # pid -> non-shared item -> 0-4 / NaN
    left_out: dict[int, set[str]] = field(default_factory=dict)  # pid -> statements a model leaves out
    flags: bool = True  # False: the loader before the flags (the counterfactual)
    extra_shared: tuple[str, ...] = ()  # statements asked of trainers too in this variant

    def all_answers(self, campaign: int, data) -> pd.DataFrame:  # noqa: ANN001
        """Every answer of the campaign's managers (shared ones from the sim, the others from own)."""
        rows = [(self.response_id(campaign, pid), item, value) for pid in self.submitted[campaign]
                for item, value in self.own.get(pid, {}).items()]
        own = pd.DataFrame(rows, columns=["response_id", "item_id", "value"]).astype({"value": float})
        managers = data.respondents.loc[data.respondents["role"] == "manager", "response_id"]
        shared = data.answers[data.answers["response_id"].isin(managers)]
        return pd.concat([shared, own], ignore_index=True)

    def data(self, campaign: int):  # noqa: ANN201
        """As load_campaign reads it: managers' stored scores are the scores of their answers."""
        data = super().data(campaign)
        if self.extra_shared:
            items = data.organisation_items
            data = replace(data, organisation_items=items.assign(
                shared=items["shared"].astype(bool) | items["item_id"].isin(self.extra_shared)))
        if campaign != C2:
            return data
        answers = self.all_answers(campaign, data)
        q = data.organisation_questionnaire
        # the stored scores: under the site's declared model (left-out statements not applicable)
        pid_of = {self.response_id(campaign, p): p for p in self.submitted[campaign]}
        dropped = np.array([item in self.left_out.get(pid_of[int(r)], ()) for r, item in
                            zip(answers["response_id"], answers["item_id"])], dtype=bool)
        as_scored = answers.assign(value=answers["value"].mask(dropped))
        long = score_responses(as_scored[as_scored["value"].notna()], scored_items(q), q.area_weights())
        long = long[long["score"].notna()][["response_id", "area", "score"]].astype({"area": str})
        managers = set(data.respondents.loc[data.respondents["role"] == "manager", "response_id"])
        scores = pd.concat([data.scores[~data.scores["response_id"].isin(managers)], long], ignore_index=True)
        scores["level"] = level_of(scores["score"])
        out = replace(data, scores=scores)
        if not self.flags:
            return out
        left = answers[dropped & answers["value"].notna()][["response_id", "item_id"]]
        return replace(out, unshared=unshared_areas(as_scored, data.organisation_items),
                       left_out=left.reset_index(drop=True))


def _manager_world(rng: random.Random, extra_shared: tuple[str, ...] = ()) -> _ManagersWorld:
    """One site: 8 trainers and 6 managers, every statement answered, the campaign closed."""
    base = _world(8, rng)
    w = _ManagersWorld(base.people, k=K, submitted=base.submitted, closed=base.closed,
                       extra_shared=extra_shared)
    items = w.data(C2).organisation_items
    others = items.loc[~items["shared"].astype(bool) & items["area"].notna(), "item_id"].tolist()
    for p in w.people:
        if p.role == "manager":
            w.own[p.pid] = {i: float(rng.randint(0, 4)) for i in others}
        for item in extra_shared:
            p.shared[C2][item] = float(rng.randint(0, 4))
    return w


def _coefficients(w: _ManagersWorld, data) -> dict:  # noqa: ANN001
    """(response, figure) -> {(response, item): coefficient} for every managers' per-person value."""
    answers = w.all_answers(C2, data)
    answered = answers[answers["value"].notna()]
    resp = data.respondents
    q = data.organisation_questionnaire
    pid_of = {w.response_id(C2, p): p for p in w.submitted[C2]}
    probes, who = [], {}
    for rid, group in answered.groupby("response_id"):
        for j, item in enumerate(group["item_id"]):
            probe = int(rid) * 100 + j
            who[probe] = (int(rid), item)
            probes.append(group.assign(response_id=probe, value=(group["item_id"] == item).astype(float)))
    unit = pd.concat(probes, ignore_index=True)
    # the scores as stored: a statement the model leaves out counts as not applicable
    dropped = [item in w.left_out.get(pid_of[who[int(p)][0]], ()) for p, item in
               zip(unit["response_id"], unit["item_id"])]
    as_scored = unit[~np.asarray(dropped, dtype=bool)]
    fake = pd.concat([resp[resp["response_id"] == r].assign(response_id=p) for p, (r, _) in who.items()],
                     ignore_index=True)
    values = []
    long = score_responses(as_scored, scored_items(q), q.area_weights())
    long = long[long["score"].notna()]
    values += [(r, f"area:{a}", v) for r, a, v in zip(long["response_id"], long["area"].astype(str), long["score"])]
    shared = unit[unit["item_id"].isin(data.answers["item_id"].unique())]
    per = _person_scores(shared, gap_items(data), fake, sorted(shared["item_id"].unique()))
    values += [(r, f"gap:{k}:{key}", v) for r, k, key, v in zip(per["response_id"], per["kind"], per["key"],
                                                                 per["score"])]
    managers, _ = top_down_people(long.astype({"area": str}), unit.iloc[:0], data.trainer_items, fake)
    values += [(r, "td", v) for r, v in managers["value"].items()]
    out: dict = {}
    for probe, fig, value in values:
        rid, item = who[int(probe)]
        out.setdefault((rid, fig), {})[(rid, item)] = value
    return out


def _manager_rows(w: _ManagersWorld) -> tuple[list[dict], object]:
    """Every visible managers' figure (tree, gaps, top-down side) as rows over their answers."""
    d1, d2, r1, r2 = w.releases()
    ov = build_overview(d2, None, K, None, releases=(r2, None))
    coef = _coefficients(w, d2)
    answers = w.all_answers(C2, d2)
    answer = answers.set_index(["response_id", "item_id"])["value"].to_dict()
    rows = []

    def add(fig: str, pop, n: float, mean: float) -> None:  # noqa: ANN001
        ids = [int(r) for r in pop if (int(r), fig) in coef]
        assert n == len(ids), (fig, n, len(ids))
        truth = [sum(c * answer[a] for a, c in coef[(i, fig)].items()) for i in ids]
        assert math.isclose(mean, float(np.mean(truth)), abs_tol=1e-9), (fig, mean, truth)
        row: dict = {}
        for i in ids:
            for a, c in coef[(i, fig)].items():
                row[a] = row.get(a, 0.0) + c
        rows.append(row)

    for _, t in ov.managers[~ov.managers["hidden"].astype(bool)].iterrows():
        node = node_key(t["region_id"], t["site_id"])
        add(f"area:{t['area']}", r2.population("manager", node), t["n"], t["mean"])
    for _, g in ov.gaps[~ov.gaps["hidden"].astype(bool)].iterrows():
        node = "org" if g["scope"] == "org" else f"site:{int(g['site_id'])}"
        u = f"gap:{g['kind']}:{g['key']}"
        add(u, r2.population("manager", gap_key(u, node)), g["n_managers"], g["mean_managers"])
    td = released_top_down(d2, r2)
    for _, t in td[~td["n_managers"].isna() & ~td["managers"].isna()].iterrows():
        node = "org" if t["site_id"] is None or pd.isna(t["site_id"]) else f"site:{int(t['site_id'])}"
        add("td", r2.population("manager", td_key(node)), t["n_managers"], t["managers"])
    return rows, ov


def _managers(w: World) -> list[int]:
    return [w.response_id(C2, p.pid) for p in w.people if p.role == "manager"]


def test_nonshared_statement_does_not_expose_a_manager():
    """Five managers answered "not applicable" to both non-shared leadership statements, one did not."""
    w = _manager_world(random.Random(31))
    for pid in list(w.own)[:5]:
        w.own[pid]["O-LEA-3"] = w.own[pid]["O-LEA-4"] = NA
    rows, ov = _manager_rows(w)
    assert rows  # something is shown
    assert _exposed(rows, _managers(w)) == []
    # the five whose leadership score is made of shown statements only are still shown
    site = ov.managers[(ov.managers["scope"] == "site") & (ov.managers["area"] == "leadership")]
    assert site["n"].tolist() == [5] and not site["hidden"].any()
    # the counterfactual, the loader without the flag: the case of the module docstring
    w = _manager_world(random.Random(31))
    for pid in list(w.own)[:5]:
        w.own[pid]["O-LEA-3"] = w.own[pid]["O-LEA-4"] = NA
    w.flags = False
    assert _exposed(_manager_rows(w)[0], _managers(w)) == [(w.response_id(C2, list(w.own)[-1]),)]


def _left_out_world(flags: bool) -> tuple[_ManagersWorld, list[int]]:
    """Managers whose leadership scores are made of shown statements only, in two forms.

    A variant of the questionnaire asks O-LEA-3 of trainers too, so leadership has three shared
    statements of four (the shipped ones have at most half of an area shared, and a score
    needs half of the area's statements counted: there, a left-out shared statement always
    comes with a non-shared one).  Every manager answered "not applicable" to O-LEA-4, the
    last non-shared one.  Three sites: 3, 2 and 3 managers, none shown alone (k = 5); the
    organisation's managers' figures pool them.  Site 2 declared a model that leaves O-LEA-1
    out of its managers' scores: (O-LEA-2 + O-LEA-3) / 2 for them, (O-LEA-1 + O-LEA-2 +
    O-LEA-3) / 3 for the others.
    """
    rng = random.Random(33)
    w = _manager_world(rng, extra_shared=("O-LEA-3",))
    template = next(p for p in w.people if p.role == "manager")
    for pid in (15, 16):
        w.people.append(Person(pid, 2, 1, (), {c: dict(template.scores[c]) for c in template.scores},
                               "manager", {C2: {i: float(rng.randint(0, 4)) for i in template.shared[C2]}}))
        w.own[pid] = {i: float(rng.randint(0, 4)) for i in w.own[template.pid]}
        w.submit(C2, pid)
    for p in w.people:
        if p.role == "manager" and p.pid < 15:
            p.site_id = 1 if p.pid < 12 else 3
    for pid in w.own:
        w.own[pid]["O-LEA-4"] = NA
    w.left_out = {15: {"O-LEA-1"}, 16: {"O-LEA-1"}}
    w.flags = flags
    return w, [w.response_id(C2, 15), w.response_id(C2, 16)]


def test_model_left_out_statement_does_not_expose_managers():
    w, site2 = _left_out_world(flags=True)
    rows, ov = _manager_rows(w)
    assert _exposed(rows, _managers(w)) == []
    org = ov.managers[(ov.managers["scope"] == "org") & (ov.managers["area"] == "leadership")]
    assert org["n"].tolist() == [6] and not org["hidden"].any()
    # the counterfactual, without the flag: the organisation's figures are over all eight, and
    # the leadership sum minus 25/3 x the three statement sums leaves a sum over site 2's two
    w, site2 = _left_out_world(flags=False)
    assert _exposed(_manager_rows(w)[0], _managers(w)) == [tuple(site2)]


def test_managers_with_the_same_forms_are_all_shown():
    """The control: every manager answered a non-shared statement of every area; nobody is left out."""
    w = _manager_world(random.Random(32))
    rows, ov = _manager_rows(w)
    assert _exposed(rows, _managers(w)) == []
    site = ov.managers[(ov.managers["scope"] == "site") & (ov.managers["area"] == "leadership")]
    assert site["n"].tolist() == [6]
