"""What a valid record looks like, for each top-level key of a data file.

A field spec is a short string naming a check in `loader.py`; a trailing `!` marks it required.
"""
from .changekinds import RESPONSIBILITY_CHANGES

KINDS = (
    "statutory body", "partnership", "committee", "network", "geography", "plan or strategy",
    "contract", "duty", "concept", "role", "organisation", "provider", "sector", "legislation",
    "policy paper", "programme", "person", "event",
)
LEVELS = ("national", "regional", "system", "place", "neighbourhood")
# The lifecycle of a body, duty or law: proposed -> planned / enacted (law, not yet in force) ->
# non-statutory / statutory (in force) -> amended (still in force) -> abolished / repealed; a proposal may be
# dropped; a body may be superseded by its successor. "in effect": done or took effect, where the sources do
# not say under what legal form (a programme of mergers), so no claim of statute is made.
STATES = ("proposed", "planned", "enacted", "non-statutory", "statutory", "amended", "in effect", "abolished",
          "repealed", "dropped", "superseded")
# "enacted": passed into law on its date (Royal Assent), the day it came into force not recorded.
EVENT_STATUSES = ("done", "announced", "planned", "proposed", "in-progress", "enacted")
CONFIDENCE = ("confirmed", "single-source", "disputed")
TAGS = (
    "legislation", "policy", "structure", "guidance", "commissioning", "finance", "review",
    "oversight", "geography", "merger", "workforce", "planning",
)
CHANGES = RESPONSIBILITY_CHANGES  # a responsibility's `change`: base/changekinds.py declares the kinds
SOURCE_KINDS = ("publication", "web", "legislation", "data")
# Counts the systems data gives on any date (`store/derived.py` works them out; an entity names the
# ones it is counted by in `counts_from`): kind -> what is counted.
DERIVED_COUNTS = {"ccgs": "CCGs", "stps": "STPs", "icbs": "ICBs", "sub-icb-locations": "sub-ICB locations",
                  "regions": "NHS regions"}
# What `ics check` (and the MCP `check` tool) can check of a subject: queries/check.py.
CHECK_PROPERTIES = ("count", "state", "icb")
# States in which a thing did not (yet, or any more) exist: an enacted law or body is not in force yet.
NOT_EXISTING = ("proposed", "planned", "enacted", "abolished", "repealed", "dropped", "superseded")
# The states of a proposal or plan: a period in one of them may name the Bill that carried it (`bill`) and,
# when it is the last and still open, record what became of it (`outcome`).
PROPOSAL_STATES = ("proposed", "planned")
# States that end a thing's life: only these (or a period's `end_event`) may close a status history.
ENDED = ("abolished", "repealed", "dropped", "superseded")
# Statuses that promise an outcome: once their date is past `data_as_of`, `ics validate` asks for one.
OPEN_STATUSES = ("planned", "announced", "proposed", "in-progress")

SOURCE = {
    "id": "id!", "title": "text!", "publisher": "text!", "date": "date!",
    "kind": "enum:SOURCE_KINDS", "file": "private:text", "url": "url", "reference": "text", "note": "text",
    "sha256": "sha256",
}
ENTITY = {
    "id": "id!", "name": "text!", "acronyms": "strs", "aliases": "strs",
    "former_names": "former_names", "kind": "enum:KINDS!", "level": "levels!", "summary": "text!",
    "status": "periods", "part_of": "entity_ids", "responsibilities": "items", "membership": "items",
    "accountable_to": "links", "produces": "entity_ids", "replaced": "entity_ids",
    "became": "entity_ids", "related": "entity_ids", "facts": "items", "claims": "claims",
    "stub": "bool", "counts": "counts", "counts_from": "counted_by", "sources": "cites!",
}
EVENT = {
    "id": "id!", "date": "date!", "end": "date", "title": "text!", "description": "text!",
    "status": "enum:EVENT_STATUSES", "confidence": "enum:CONFIDENCE", "entities": "entity_ids",
    "tags": "tags", "claims": "claims", "counts": "counts", "outcome": "outcome", "sources": "cites!",
}
RESPONSIBILITY = {
    "id": "id!", "function": "text!", "before": "entity_ids", "after": "entity_ids",
    "change": "enum:CHANGES!", "effective": "date!", "status": "enum:EVENT_STATUSES",
    "note": "text", "outcome": "outcome", "sources": "cites!",
}
# data/meta.yaml: facts about the data itself (a mapping, not a list of records).
META = {"data_as_of": "date!", "note": "text"}

# Fields for maintainers that no output may show, accepted on every record and nested mapping:
# `maintainer_note` (research notes: which copy was read, what is still missing) is checked and then
# dropped by the loader; a `private:` rule keeps the value under `_name`, which `base/records.public` removes.
MAINTAINER_FIELDS = ("maintainer_note",)

# Nested shapes.
ITEM = {"text": "text!", "sources": "cites!", "from": "date", "to": "date", "note": "text"}
PERIOD = {"from": "date_or_null", "to": "date_or_null", "state": "enum:STATES!", "basis": "text",
          "note": "text", "end_event": "event_id", "bill": "entity_id", "outcome": "outcome", "sources": "cites!"}
# A number that changes over time (42 ICBs from 1 July 2022 to 31 March 2026), one row per span.
# A count the systems data gives (`DERIVED_COUNTS`), shown on the card as `what` (default: the kind's own).
COUNTED_BY = {"count": "enum:DERIVED_COUNTS!", "what": "text"}
COUNT = {"what": "text!", "value": "int!", "from": "date!", "to": "date", "note": "text", "sources": "cites!"}
# What became of something planned, announced or in progress: an event that records it, or a sourced text.
OUTCOME = {"text": "text!", "event": "event_id", "sources": "cites"}
FORMER_NAME = {"name": "text!", "note": "text", "from": "date", "to": "date", "sources": "cites!"}
LINK = {"entity": "entity_id!", "note": "text", "sources": "cites!"}
CLAIM = {"topic": "text!", "values": "claim_values!", "note": "text"}
CLAIM_VALUE = {"value": "text!", "sources": "cites!", "current": "bool", "note": "text"}
CITATION = {"source": "source_id!", "at": "text", "quote": "text"}

SYSTEM_VERSION = {
    "id": "id!", "date": "date!", "label": "text!", "provenance": "enum:PROVENANCE!", "note": "text",
    "sources": "cites!",
}
ICB = {
    "id": "id!", "version": "ref:system_versions!", "ons_code": "text!", "ods_code": "text",
    "name": "text!", "short_name": "text!", "region": "text", "region_ods_code": "text",
    "region_ons_code": "text", "region_note": "text", "sub_icb_count": "int", "lsoa_count": "int", "population": "int",
    "population_note": "text", "predecessor": "text", "predecessor_ons_code": "text",
    "formed_from": "refs:icbs", "change_note": "text", "local_authorities": "local_authorities",
    "provenance": "text", "sources": "cites!",
}
SUB_ICB_LOCATION = {
    "id": "id!", "version": "ref:system_versions!", "ods_code": "text!", "ons_code": "text!",
    "name": "text!", "icb": "ref:icbs!", "former_ccg_name": "text", "former_ccg_ons_code": "text",
    "lsoa_count": "int", "change_note": "text", "took": "parts", "stp21_ons_code": "text", "stp21_name": "text",
    "provenance": "text", "sources": "cites!",
}
# A CCG code of 2013-2021: validity, merger chain, ONS vintages (generated by tools/build_ccg_history.py).
CCG = {
    "id": "id!", "ods_code": "text!", "name": "text!", "valid_from": "date!", "valid_to": "date",
    "successor": "text", "successions": "steps", "split": "parts", "split_basis": "text",
    "vintages": "vintages", "name_source": "text", "boundary_changes": "boundary_changes",
    "provenance": "text", "sources": "cites!",
}
# The published SHA-256 of an official file `ics import` reads, so an import can say whether a user's
# download is that file (icscli/systems/importer.py). Copied with its source, never computed here.
IMPORT_KINDS = ("onspd", "nspl", "lsoa-lookup")
OFFICIAL_FILE = {
    "id": "id!", "title": "text!", "kind": "enum:IMPORT_KINDS!", "edition": "date!", "sha256": "sha256!",
    "file_name": "text", "rows": "int", "note": "text", "sources": "cites!",
}
STEP = {"ods_code": "text!", "date": "date!"}
PART = {"ods_code": "text!", "lsoa_count": "int", "of": "int"}
VINTAGE = {"date": "date!", "ons_code": "text!", "name": "text!", "lsoa_count": "int"}
BOUNDARY_CHANGE = {
    "date": "date!", "ons_from": "text", "ons_to": "text", "name_from": "text", "name_to": "text",
    "lsoa_from": "int", "lsoa_to": "int", "lost": "parts", "gained": "parts", "sources": "cites!",
}
LOCAL_AUTHORITY = {"ons_code": "text!", "name": "text!", "type": "text", "coverage": "text",
                   "lsoa_count": "int"}
PROVENANCE = ("official", "derived")
# A dated file behind data/places/ (or the assignment derived from them), generated by tools/build_places.py:
# its id names its column in the places tables; `split` records how a derived assignment divided an area.
PLACE_GEOGRAPHIES = ("lsoa11", "lsoa21", "lsoa", "practice", "trust")
PLACE_PROVENANCE = ("official", "derived", "third-party")
PLACE_VINTAGE = {
    "id": "id!", "date": "date!", "label": "text!", "geography": "enum:PLACE_GEOGRAPHIES!", "levels": "strs",
    "provenance": "enum:PLACE_PROVENANCE!", "method": "text", "split": "place_splits", "icb_totals": "place_totals",
    "icb_residents": "place_residents", "note": "text", "sources": "cites!",
}
PLACE_SPLIT = {"from": "text!", "to": "text!", "local_authorities": "strs", "lsoa_count": "int"}
# What a practice file says of each ICB: its practices and registered patients (`ics system` shows them).
PLACE_TOTAL = {"ods_code": "text!", "ons_code": "text!", "practices": "int!", "registered_patients": "int"}
# What a 2021-LSOA lookup says of each ICB: Census 2021 usual residents added up over the LSOAs it places
# in the ICB (`ics system` shows them); the builder checks they add up to England's total.
PLACE_RESIDENTS = {"ods_code": "text!", "ons_code": "text!", "lsoas": "int!", "residents": "int!"}


class RecordTable:
    """One kind of record: what every part of the program that lists the record tables reads.

    - name: its top-level key in a data file, its table in the knowledge base (`kb.entities`) and in
      the SQLite export;
    - kind: one record, as the loader's references (`entity_id`) and the SQLite export's citation
      tables (`entity_sources`, `citations.record_type`) name it;
    - noun: one record in words, for messages ("unknown ICB record 'x'");
    - spec: what a valid record looks like (the field specs above);
    - title: the field that names a record (the Datasette query "what cites this source" shows it);
    - citing: how `ics sources` lists a record that cites a source: "id" (the entity's id), "kind:id"
      (`event:ID`), "count" (`icbs: 3 records`: hundreds of rows cite one lookup file) or "" (never cites);
    - exported: a table of its own, and its citations, in the SQLite export;
    - licensed: Open Government Licence data from the ONS lookups (the Datasette metadata says so).
    """

    __slots__ = ("citing", "exported", "kind", "licensed", "name", "noun", "spec", "title")

    def __init__(self, name, kind, noun, spec, title, citing, exported=True, licensed=False):
        self.name, self.kind, self.noun, self.spec, self.title = name, kind, noun, spec, title
        self.citing, self.exported, self.licensed = citing, exported, licensed

    def __repr__(self):
        return f"RecordTable({self.name!r})"


# The record tables, in the order files, messages, indexes and exports list them. A new kind of record
# is its spec above, a line here, its view and its command.
RECORD_TABLES = (
    RecordTable("sources", "source", "source", SOURCE, "title", ""),
    RecordTable("entities", "entity", "entity", ENTITY, "name", "id"),
    RecordTable("events", "event", "event", EVENT, "title", "kind:id"),
    RecordTable("responsibilities", "responsibility", "responsibility", RESPONSIBILITY, "function", "kind:id"),
    RecordTable("system_versions", "system_version", "system version", SYSTEM_VERSION, "label", "count", licensed=True),
    RecordTable("icbs", "icb", "ICB record", ICB, "name", "count", licensed=True),
    RecordTable("sub_icb_locations", "sub_icb_location", "sub-ICB location", SUB_ICB_LOCATION, "name", "count",
                licensed=True),
    RecordTable("official_files", "official_file", "official file", OFFICIAL_FILE, "title", "kind:id", exported=False),
    RecordTable("ccgs", "ccg", "CCG", CCG, "name", "count", exported=False),
    RecordTable("place_vintages", "place_vintage", "places vintage", PLACE_VINTAGE, "label", "kind:id",
                exported=False),
)
RECORD_TYPES = {table.name: table.spec for table in RECORD_TABLES}  # {top-level key: spec}, for the loader
VOCABULARIES = {
    "KINDS": KINDS, "LEVELS": LEVELS, "STATES": STATES, "EVENT_STATUSES": EVENT_STATUSES,
    "CONFIDENCE": CONFIDENCE, "TAGS": TAGS, "CHANGES": CHANGES, "SOURCE_KINDS": SOURCE_KINDS,
    "PROVENANCE": PROVENANCE, "DERIVED_COUNTS": DERIVED_COUNTS, "PLACE_GEOGRAPHIES": PLACE_GEOGRAPHIES,
    "PLACE_PROVENANCE": PLACE_PROVENANCE, "IMPORT_KINDS": IMPORT_KINDS,
}
