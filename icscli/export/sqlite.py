"""The export as a SQLite database (standard library `sqlite3`): tables an analyst can join.

Every table has a primary key and every reference a foreign key; `PRAGMA foreign_key_check` is empty.
Citations are one table per kind of record (`entity_sources`, `event_sources`, ...) plus a `citations`
view over all of them. Each table with text to search has a full-text index `<table>_fts` (FTS5; see
FTS below). Dates are kept as written (`date`: "2022", "2022-07" or "2022-07-01") and as the first day
they can mean (`date_start`, YYYY-MM-DD) for sorting and comparing.
"""
import errno
import sqlite3

from .. import dates
from ..base import lifecycle
from ..base.records import public
from ..base.schema import RECORD_TABLES
from ..errors import DataError, Problem
from ..queries import reference as query

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  id TEXT PRIMARY KEY, n INTEGER NOT NULL UNIQUE, title TEXT NOT NULL, publisher TEXT NOT NULL,
  date TEXT NOT NULL, date_start TEXT NOT NULL, kind TEXT, url TEXT, reference TEXT, note TEXT);
CREATE TABLE entities (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, level TEXT NOT NULL, levels TEXT NOT NULL,
  summary TEXT NOT NULL, state_today TEXT, also_called TEXT);
CREATE TABLE aliases (
  entity_id TEXT NOT NULL REFERENCES entities(id), alias TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('acronym', 'alias', 'former name')), note TEXT,
  PRIMARY KEY (entity_id, type, alias));
CREATE TABLE entity_status (
  entity_id TEXT NOT NULL REFERENCES entities(id), seq INTEGER NOT NULL, from_date TEXT, to_date TEXT,
  state TEXT NOT NULL, basis TEXT, note TEXT, outcome TEXT, PRIMARY KEY (entity_id, seq));
CREATE TABLE entity_items (
  entity_id TEXT NOT NULL REFERENCES entities(id),
  field TEXT NOT NULL CHECK (field IN ('responsibility', 'membership', 'fact')), seq INTEGER NOT NULL,
  text TEXT NOT NULL, from_date TEXT, to_date TEXT, note TEXT, PRIMARY KEY (entity_id, field, seq));
CREATE TABLE entity_links (
  entity_id TEXT NOT NULL REFERENCES entities(id),
  relation TEXT NOT NULL CHECK (relation IN ('part_of', 'accountable_to', 'produces', 'replaced', 'became', 'related')),
  target_id TEXT NOT NULL REFERENCES entities(id), note TEXT, PRIMARY KEY (entity_id, relation, target_id));
CREATE TABLE events (
  id TEXT PRIMARY KEY, date TEXT NOT NULL, date_start TEXT NOT NULL, end_date TEXT, title TEXT NOT NULL,
  description TEXT NOT NULL, status TEXT NOT NULL, confidence TEXT, outcome TEXT);
CREATE TABLE event_entities (
  event_id TEXT NOT NULL REFERENCES events(id), entity_id TEXT NOT NULL REFERENCES entities(id),
  PRIMARY KEY (event_id, entity_id));
CREATE TABLE event_tags (
  event_id TEXT NOT NULL REFERENCES events(id), tag TEXT NOT NULL, PRIMARY KEY (event_id, tag));
CREATE TABLE claims (
  id INTEGER PRIMARY KEY, entity_id TEXT REFERENCES entities(id), event_id TEXT REFERENCES events(id),
  topic TEXT NOT NULL, value TEXT NOT NULL, is_current INTEGER NOT NULL, note TEXT, topic_note TEXT,
  CHECK ((entity_id IS NULL) <> (event_id IS NULL)));
CREATE TABLE responsibilities (
  id TEXT PRIMARY KEY, function TEXT NOT NULL, change TEXT NOT NULL, effective TEXT NOT NULL,
  effective_start TEXT NOT NULL, status TEXT NOT NULL, note TEXT, outcome TEXT);
CREATE TABLE responsibility_holders (
  responsibility_id TEXT NOT NULL REFERENCES responsibilities(id),
  role TEXT NOT NULL CHECK (role IN ('before', 'after')), entity_id TEXT NOT NULL REFERENCES entities(id),
  PRIMARY KEY (responsibility_id, role, entity_id));
CREATE TABLE system_versions (
  id TEXT PRIMARY KEY, date TEXT NOT NULL, date_start TEXT NOT NULL, label TEXT NOT NULL,
  provenance TEXT NOT NULL, note TEXT);
CREATE TABLE icbs (
  id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES system_versions(id), ons_code TEXT NOT NULL,
  ods_code TEXT, name TEXT NOT NULL, short_name TEXT NOT NULL, region TEXT, region_ods_code TEXT,
  region_ons_code TEXT, sub_icb_count INTEGER, lsoa_count INTEGER, population INTEGER, predecessor TEXT,
  predecessor_ons_code TEXT, change_note TEXT, provenance TEXT, UNIQUE (version_id, ons_code));
CREATE TABLE icb_formed_from (
  icb_id TEXT NOT NULL REFERENCES icbs(id), from_icb_id TEXT NOT NULL REFERENCES icbs(id),
  PRIMARY KEY (icb_id, from_icb_id));
CREATE TABLE sub_icb_locations (
  id TEXT PRIMARY KEY, version_id TEXT NOT NULL REFERENCES system_versions(id), ods_code TEXT NOT NULL,
  ons_code TEXT NOT NULL, name TEXT NOT NULL, icb_id TEXT NOT NULL REFERENCES icbs(id), former_ccg_name TEXT,
  former_ccg_ons_code TEXT, lsoa_count INTEGER, change_note TEXT, provenance TEXT,
  UNIQUE (version_id, ods_code));
CREATE TABLE local_authorities (ons_code TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT);
CREATE TABLE icb_local_authorities (
  icb_id TEXT NOT NULL REFERENCES icbs(id), local_authority_code TEXT NOT NULL REFERENCES local_authorities(ons_code),
  coverage TEXT, lsoa_count INTEGER, PRIMARY KEY (icb_id, local_authority_code));
"""

# The record tables with a citation table `<kind>_sources` each: every exported one whose records cite.
CITED = tuple(table for table in RECORD_TABLES if table.exported and "sources" in table.spec)


def _citation_tables():
    out = []
    for kind, table in ((cited.kind, cited.name) for cited in CITED):
        out.append(f"""CREATE TABLE {kind}_sources (
  {kind}_id TEXT NOT NULL REFERENCES {table}(id), seq INTEGER NOT NULL, field TEXT NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(id), at TEXT, quote TEXT, PRIMARY KEY ({kind}_id, seq));
CREATE INDEX {kind}_sources_source ON {kind}_sources(source_id);""")
    union = "\nUNION ALL ".join(
        f"SELECT '{kind}' AS record_type, {kind}_id AS record_id, seq, field, source_id, at, quote FROM {kind}_sources"
        for kind in (cited.kind for cited in CITED))
    out.append(f"CREATE VIEW citations AS {union};")
    return "\n".join(out)


# Full-text search, the convention Datasette and sqlite-utils use: an FTS5 table `<table>_fts` whose
# content is the table itself (rows matched by rowid), so nothing is stored twice.
FTS = {
    "entities": ("name", "also_called", "summary"),
    "entity_items": ("text", "note"),
    "events": ("title", "description", "outcome"),
    "responsibilities": ("function", "note", "outcome"),
    "claims": ("topic", "value", "note"),
    "sources": ("title", "publisher", "note"),
    "icbs": ("name", "short_name", "ods_code", "ons_code", "predecessor"),
    "sub_icb_locations": ("name", "former_ccg_name", "ods_code", "ons_code"),
}


def _full_text(con):
    for table, columns in FTS.items():
        con.execute(f"CREATE VIRTUAL TABLE {table}_fts USING fts5({', '.join(columns)}, content=[{table}])")
        con.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")


def _also_called(entity):
    names = list(entity.get("acronyms") or []) + list(entity.get("aliases") or [])
    return names + [f["name"] for f in entity.get("former_names") or []]


def _cites(value, path=""):
    """(field path, citation) for every citation inside a record: 'sources', 'status[0]', 'claims[0].values[1]'."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "sources" and isinstance(inner, list):
                for cite in inner:
                    if isinstance(cite, dict) and cite.get("source"):
                        yield (path or "sources"), cite
            else:
                yield from _cites(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            yield from _cites(inner, f"{path}[{i}]")


def write(ref, path):
    """Create the database at `path` (an empty or new file)."""
    kb = ref.kb
    try:
        con = sqlite3.connect(path)
        try:
            con.execute("PRAGMA journal_mode=MEMORY")
            con.execute("PRAGMA foreign_keys=ON")
            con.executescript(SCHEMA + _citation_tables())
            with con:
                _fill(con, ref, kb)
                _full_text(con)
            problems = con.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise DataError([Problem("sqlite export", 0, "", f"{len(problems)} broken references, "
                                                                 f"e.g. {problems[0]}")])
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()
    except (sqlite3.IntegrityError, OverflowError) as exc:
        # `ics validate` rejects what causes these (codes twice in a version, numbers beyond 64 bits);
        # this is the last line if a rule is ever missed.
        raise DataError([Problem("sqlite export", 0, "", f"the data cannot be stored: {exc}; run `ics validate`")]) \
            from None
    except sqlite3.Error as exc:  # a full disk, an I/O error, a locked or unwritable file
        raise OSError(errno.EIO, f"SQLite: {exc}") from None


def _fill(con, ref, kb):
    ins = con.executemany
    ins("INSERT INTO meta VALUES (?, ?)", [("ics_version", ref.version), ("generated", ref.generated),
                                           ("data_as_of", ref.data_as_of or ""),
                                           ("title", "England's integrated care systems: the ics reference")])
    ins("INSERT INTO sources VALUES (?,?,?,?,?,?,?,?,?,?)", [
        (s["id"], n, s["title"], s["publisher"], s["date"], dates.start(s["date"]), s.get("kind"), s.get("url"),
         s.get("reference"), s.get("note")) for n, s, _cited in ref.bibliography])

    entities = [kb.entities[i] for i, _d, _doc in ref.cards]
    today = ref.generated
    rows = []
    for e in entities:
        state = query.describe_state_on(kb, e, today)["text"] if e.get("status") else None
        rows.append((e["id"], e["name"], e["kind"], e["level"][0], ",".join(e["level"]), e["summary"], state,
                     "; ".join(_also_called(e)) or None))
    ins("INSERT INTO entities VALUES (?,?,?,?,?,?,?,?)", rows)
    aliases, status, items, links = set(), [], [], []
    for e in entities:
        ident = e["id"]
        for a in e.get("acronyms") or []:
            aliases.add((ident, a, "acronym", None))
        for a in e.get("aliases") or []:
            aliases.add((ident, a, "alias", None))
        for f in e.get("former_names") or []:
            aliases.add((ident, f["name"], "former name", f.get("note")))
        for i, p in enumerate(e.get("status") or []):
            status.append((ident, i, p.get("from"), p.get("to"), p["state"], p.get("basis"), p.get("note"),
                           lifecycle.outcome_text(p)))
        for field, kind in (("responsibilities", "responsibility"), ("membership", "membership"), ("facts", "fact")):
            for i, item in enumerate(e.get(field) or []):
                items.append((ident, kind, i, item["text"], item.get("from"), item.get("to"), item.get("note")))
        seen = set()
        for relation in ("part_of", "produces", "replaced", "became", "related"):
            for target in e.get(relation) or []:
                if (relation, target) not in seen and target in kb.entities:
                    seen.add((relation, target))
                    links.append((ident, relation, target, None))
        for link in e.get("accountable_to") or []:
            if ("accountable_to", link["entity"]) not in seen and link["entity"] in kb.entities:
                seen.add(("accountable_to", link["entity"]))
                links.append((ident, "accountable_to", link["entity"], link.get("note")))
    ins("INSERT INTO aliases VALUES (?,?,?,?)", sorted(aliases, key=lambda r: (r[0], r[2], r[1])))
    ins("INSERT INTO entity_status VALUES (?,?,?,?,?,?,?,?)", status)
    ins("INSERT INTO entity_items VALUES (?,?,?,?,?,?,?)", items)
    ins("INSERT INTO entity_links VALUES (?,?,?,?)", links)

    events = [kb.events[i] for i in kb.event_order]
    ins("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?)", [
        (e["id"], e["date"], dates.start(e["date"]), e.get("end"), e["title"], e["description"],
         e.get("status") or "done", e.get("confidence"), lifecycle.outcome_text(e)) for e in events])
    ins("INSERT INTO event_entities VALUES (?,?)", sorted({(e["id"], x) for e in events
                                                           for x in e.get("entities") or [] if x in kb.entities}))
    ins("INSERT INTO event_tags VALUES (?,?)", sorted({(e["id"], t) for e in events for t in e.get("tags") or []}))
    claims = []
    for column, records in (("entity", entities), ("event", events)):
        for r in records:
            for claim in r.get("claims") or []:
                for v in claim["values"]:
                    claims.append((r["id"] if column == "entity" else None, r["id"] if column == "event" else None,
                                   claim["topic"], v["value"], 1 if v.get("current") else 0, v.get("note"),
                                   claim.get("note")))
    ins("INSERT INTO claims (entity_id, event_id, topic, value, is_current, note, topic_note) VALUES (?,?,?,?,?,?,?)",
        claims)

    resps = sorted(kb.responsibilities.values(), key=lambda r: (dates.start(r["effective"]), r["id"]))
    ins("INSERT INTO responsibilities VALUES (?,?,?,?,?,?,?,?)", [
        (r["id"], r["function"], r["change"], r["effective"], dates.start(r["effective"]), r.get("status") or "done",
         r.get("note"), lifecycle.outcome_text(r)) for r in resps])
    ins("INSERT INTO responsibility_holders VALUES (?,?,?)", sorted({
        (r["id"], role, x) for r in resps for role in ("before", "after") for x in r.get(role) or []
        if x in kb.entities}))

    versions = list(getattr(kb, "system_versions", {}).values())
    ins("INSERT INTO system_versions VALUES (?,?,?,?,?,?)", [
        (v["id"], v["date"], dates.start(v["date"]), v["label"], v["provenance"], v.get("note")) for v in versions])
    icbs = sorted(kb.icbs.values(), key=lambda i: (i["version"], i["ons_code"]))
    ins("INSERT INTO icbs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [
        (i["id"], i["version"], i["ons_code"], i.get("ods_code"), i["name"], i["short_name"], i.get("region"),
         i.get("region_ods_code"), i.get("region_ons_code"), i.get("sub_icb_count"), i.get("lsoa_count"),
         i.get("population"), i.get("predecessor"), i.get("predecessor_ons_code"), i.get("change_note"),
         i.get("provenance")) for i in icbs])
    ins("INSERT INTO icb_formed_from VALUES (?,?)", sorted({(i["id"], f) for i in icbs
                                                           for f in i.get("formed_from") or [] if f in kb.icbs}))
    locs = sorted(kb.sub_icb_locations.values(), key=lambda loc: (loc["version"], loc["ods_code"]))
    ins("INSERT INTO sub_icb_locations VALUES (?,?,?,?,?,?,?,?,?,?,?)", [
        (loc["id"], loc["version"], loc["ods_code"], loc["ons_code"], loc["name"], loc["icb"],
         loc.get("former_ccg_name"), loc.get("former_ccg_ons_code"), loc.get("lsoa_count"), loc.get("change_note"),
         loc.get("provenance")) for loc in locs])
    las, covers = {}, {}
    for i in icbs:
        for la in i.get("local_authorities") or []:
            las.setdefault(la["ons_code"], (la["ons_code"], la["name"], la.get("type")))
            covers.setdefault((i["id"], la["ons_code"]), (i["id"], la["ons_code"], la.get("coverage"),
                                                         la.get("lsoa_count")))
    ins("INSERT INTO local_authorities VALUES (?,?,?)", sorted(las.values()))
    ins("INSERT INTO icb_local_authorities VALUES (?,?,?,?)", sorted(covers.values()))

    ordered = {"entities": entities, "events": events, "responsibilities": resps, "system_versions": versions,
               "icbs": icbs, "sub_icb_locations": locs}  # each as its own table is filled
    for table in CITED:
        kind, rows = table.kind, []
        for r in ordered[table.name]:
            for seq, (field, cite) in enumerate(_cites(public(r))):
                rows.append((r["id"], seq, field, cite["source"], cite.get("at"), cite.get("quote")))
        ins(f"INSERT INTO {kind}_sources VALUES (?,?,?,?,?,?)", rows)
