"""What a valid record looks like, for each top-level key of a data file.

A field spec is a short string naming a check in `loader.py`; a trailing `!` marks it required.
"""

KINDS = (
    "statutory body", "partnership", "committee", "network", "geography", "plan or strategy",
    "contract", "duty", "concept", "role", "organisation", "provider", "sector", "legislation",
    "policy paper", "programme", "person", "event",
)
LEVELS = ("national", "regional", "system", "place", "neighbourhood")
STATES = ("proposed", "planned", "non-statutory", "statutory", "abolished")
EVENT_STATUSES = ("done", "announced", "planned", "proposed", "in-progress")
CONFIDENCE = ("confirmed", "single-source", "disputed")
TAGS = (
    "legislation", "policy", "structure", "guidance", "commissioning", "finance", "review",
    "oversight", "geography", "merger", "workforce", "planning",
)
CHANGES = ("carried over", "changed", "new", "abolished")
SOURCE_KINDS = ("seed", "web", "legislation", "data")
# States in which a thing did not (yet, or any more) exist.
NOT_EXISTING = ("proposed", "planned", "abolished")

SOURCE = {
    "id": "id!", "title": "text!", "publisher": "text!", "date": "date!",
    "kind": "enum:SOURCE_KINDS", "file": "text", "url": "url", "note": "text",
}
ENTITY = {
    "id": "id!", "name": "text!", "acronyms": "strs", "aliases": "strs",
    "former_names": "former_names", "kind": "enum:KINDS!", "level": "levels!", "summary": "text!",
    "status": "periods", "part_of": "entity_ids", "responsibilities": "items", "membership": "items",
    "accountable_to": "links", "produces": "entity_ids", "replaced": "entity_ids",
    "became": "entity_ids", "related": "entity_ids", "facts": "items", "claims": "claims",
    "sources": "cites!",
}
EVENT = {
    "id": "id!", "date": "date!", "end": "date", "title": "text!", "description": "text!",
    "status": "enum:EVENT_STATUSES", "confidence": "enum:CONFIDENCE", "entities": "entity_ids",
    "tags": "tags", "claims": "claims", "sources": "cites!",
}
RESPONSIBILITY = {
    "id": "id!", "function": "text!", "before": "entity_ids", "after": "entity_ids",
    "change": "enum:CHANGES!", "effective": "date!", "status": "enum:EVENT_STATUSES",
    "note": "text", "sources": "cites!",
}

# Nested shapes.
ITEM = {"text": "text!", "sources": "cites!", "from": "date", "to": "date", "note": "text"}
PERIOD = {"from": "date_or_null", "to": "date_or_null", "state": "enum:STATES!", "basis": "text",
          "note": "text", "sources": "cites!"}
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
    "lsoa_count": "int", "change_note": "text", "provenance": "text", "sources": "cites!",
}
LOCAL_AUTHORITY = {"ons_code": "text!", "name": "text!", "type": "text", "coverage": "text",
                   "lsoa_count": "int"}
PROVENANCE = ("official", "derived")

RECORD_TYPES = {
    "sources": SOURCE,
    "entities": ENTITY,
    "events": EVENT,
    "responsibilities": RESPONSIBILITY,
    "system_versions": SYSTEM_VERSION,
    "icbs": ICB,
    "sub_icb_locations": SUB_ICB_LOCATION,
}
VOCABULARIES = {
    "KINDS": KINDS, "LEVELS": LEVELS, "STATES": STATES, "EVENT_STATUSES": EVENT_STATUSES,
    "CONFIDENCE": CONFIDENCE, "TAGS": TAGS, "CHANGES": CHANGES, "SOURCE_KINDS": SOURCE_KINDS,
    "PROVENANCE": PROVENANCE,
}
