"""Regions, sites (with a culture each) and people of the demo organisation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

PARAMS = Path(__file__).resolve().parent.parent / "data" / "demo" / "organisation.yaml"


@lru_cache(maxsize=1)
def params() -> dict:
    """The generator parameters from data/demo/organisation.yaml."""
    return yaml.safe_load(PARAMS.read_text(encoding="utf-8"))


@dataclass
class DemoSite:
    code: str
    name: str
    city: str
    region: str
    culture: str
    strategy: float  # latent top-down maturity 0..1
    practice: float  # latent bottom-up maturity 0..1


@dataclass
class DemoPerson:
    key: int
    first_name: str
    last_name: str
    email: str
    external_id: str
    role: str
    site: str | None
    theta: float = 0.0  # latent digital practice 0..1 (trainers)
    sharer: float = 0.0  # personal inclination to share with peers
    joined_late: bool = False  # arrived between the two campaigns
    left: bool = False  # left before the follow-up campaign
    area_offsets: dict[str, float] = field(default_factory=dict)


def _ascii(text: str) -> str:
    flat = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in flat.lower() if ch.isalnum() or ch == "-").replace("--", "-")


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split total into integers proportional to weights, each at least 1."""
    w = np.asarray(weights, dtype=float)
    raw = w / w.sum() * total
    out = np.maximum(1, np.floor(raw).astype(int))
    while out.sum() < total:
        out[np.argmax(raw - out)] += 1
    while out.sum() > total:
        out[np.argmax(out)] -= 1
    return out.tolist()


def _campus(names: list[str], k: int) -> str:
    """The k-th campus name; past the list (national demo), numbered: "Nord 2"."""
    return names[k] if k < len(names) else f"{names[k % len(names)]} {k // len(names) + 1}"


def make_sites(rng: np.random.Generator, size: str) -> list[DemoSite]:
    """Sites spread over the size's regions, each with a culture and latent levels."""
    p = params()
    spec = p["sizes"][size]
    codes = list(p["regions"]) if spec["regions"] == "all" else spec["regions"]
    counts = _allocate(spec["sites"], [p["regions"][c]["weight"] for c in codes])
    cultures = list(p["cultures"])
    shares = np.array([p["cultures"][c]["share"] for c in cultures], dtype=float)
    plan = np.repeat(cultures, _allocate(spec["sites"], shares.tolist()))
    rng.shuffle(plan)
    sites, used = [], set()
    for region, n in zip(codes, counts):
        cities = p["regions"][region]["cities"]
        for i in range(n):
            city = cities[i % len(cities)]
            name = city if i < len(cities) else f"{city} {_campus(p['campus'], i // len(cities) - 1)}"
            code = f"{region}-{_ascii(name)[:20].upper()}"
            while code in used:
                code += "X"
            used.add(code)
            culture = str(plan[len(sites)])
            base = p["cultures"][culture]
            sites.append(DemoSite(
                code=code, name=name, city=city, region=region, culture=culture,
                strategy=float(np.clip(base["strategy"] + rng.normal(0, 0.07), 0.05, 0.95)),
                practice=float(np.clip(base["practice"] + rng.normal(0, 0.07), 0.05, 0.95)),
            ))
    return sites


class _Names:
    """Unique fictitious names and emails."""

    def __init__(self, rng: np.random.Generator):
        self.rng, self.p, self.emails = rng, params(), set()
        # arrays once: rng.choice converts a list on every call (slow at national size),
        # and draws the same names from an array
        self.first, self.last = np.asarray(self.p["first_names"]), np.asarray(self.p["last_names"])

    def next(self) -> tuple[str, str, str]:
        first = str(self.rng.choice(self.first))
        last = str(self.rng.choice(self.last))
        local = f"{_ascii(first)}.{_ascii(last.replace(' ', '-'))}"
        email, n = f"{local}@{self.p['email_domain']}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{self.p['email_domain']}"
        self.emails.add(email)
        return first, last, email


def make_people(rng: np.random.Generator, size: str, sites: list[DemoSite],
                areas: list[str]) -> list[DemoPerson]:
    """Trainers and managers per site (in proportion to sites' sizes), plus central staff."""
    spec = params()["sizes"][size]
    names = _Names(rng)
    people: list[DemoPerson] = []
    site_weight = rng.gamma(4.0, 1.0, len(sites))  # some sites are much larger than others
    trainers = _allocate(spec["trainers"], site_weight.tolist())
    managers = _allocate(spec["managers"], np.sqrt(site_weight).tolist())

    def add(role: str, site: DemoSite | None, **kw) -> DemoPerson:
        first, last, email = names.next()
        person = DemoPerson(key=len(people), first_name=first, last_name=last, email=email,
                            external_id=f"RH{100000 + len(people)}", role=role,
                            site=site.code if site else None, **kw)
        people.append(person)
        return person

    for role in ("director", "lead", "admin"):
        add(role, None)
    for site, n_t, n_m in zip(sites, trainers, managers):
        for _ in range(n_m):
            add("manager", site)
        for _ in range(n_t):
            add("trainer", site, **_trainer_traits(rng, site, areas))
    turnover = params()["turnover"]
    by_code = {s.code: s for s in sites}
    for person in people:
        if person.role == "trainer" and rng.random() < turnover:
            person.left = True
            site = by_code[person.site]
            add("trainer", site, joined_late=True, **_trainer_traits(rng, site, areas))
    return people


# Areas that trainers usually find harder (offsets on the 0..1 latent scale).
AREA_DIFFICULTY = {"engagement": 0.05, "resources": 0.04, "teaching": 0.0,
                   "assessment": -0.06, "empowerment": -0.03, "facilitation": -0.08}


def _trainer_traits(rng: np.random.Generator, site: DemoSite, areas: list[str]) -> dict:
    theta = float(np.clip(site.practice + rng.normal(0, 0.16), 0.0, 1.0))
    return {
        "theta": theta,
        "sharer": float(np.clip(theta * 0.6 + rng.normal(0.2, 0.2), 0, 1)),
        "area_offsets": {a: AREA_DIFFICULTY.get(a, 0.0) + float(rng.normal(0, 0.1)) for a in areas},
    }
