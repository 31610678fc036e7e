"""Datasette metadata for the SQLite export: title, source, licence, every table and column described,
and canned queries. `metadata(database)` returns the JSON-ready dict for `datasette DB --metadata FILE`.

The descriptions follow the schema in sqlite.py; tests check that every table and column there is
described here, so the two cannot drift apart.
"""
from ..base.schema import RECORD_TABLES
from .sqlite import CITED, FTS

OGL = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
ONS_SOURCE = "Office for National Statistics lookups (Open Geography Portal), codes and names supplied by DH/NHS"
ONS_URL = "https://geoportal.statistics.gov.uk/"

_OUTCOME = "What became of it, when it was planned, proposed or announced"
_DATES = "Dates are as the sources give them (YYYY, YYYY-MM or YYYY-MM-DD); *_start columns give the first day."
_VERSION = "Data version: 2022 (1 July 2022), 2023, 2024, 2025 or 2026 (April each year); see system_versions."
CITE_COLUMNS = {
    "seq": "The citation's number within the record",
    "field": "Where in the record it is cited (sources, status[0], claims[0].values[1], ...)",
    "source_id": "The source (see sources)", "at": "The section of the source", "quote": "A short quote from the source",
}

TABLES = {
    "meta": ("About this export.", {"key": "ics_version, generated (the day the export was made) or title",
                                    "value": "The value"}),
    "sources": ("The bibliography: every source cited anywhere, numbered as in the other exports.", {
        "id": "Source id, as cited in the *_sources tables", "n": "Bibliography number", "title": "Title",
        "publisher": "Publisher or author", "date": "Publication date as given", "date_start": "First day of date",
        "kind": "web, publication, legislation or data", "url": "Web address, when known",
        "reference": "Where to find a source that has no web address (publisher, title, edition)",
        "note": "What the source is and how it was read"}),
    "entities": ("Bodies, roles, plans and terms (the glossary), each with its summary.", {
        "id": "Term id (ics explain ID)", "name": "Name", "kind": "statutory body, partnership, role, plan ...",
        "level": "Main level: national, regional, system, place or neighbourhood", "levels": "Every level, comma separated",
        "summary": "One-paragraph summary", "state_today": "Legal status on the export's day, in words",
        "also_called": "Acronyms, other names and former names, separated by '; ' (searchable)"}),
    "aliases": ("Acronyms, other names and former names of each entity.", {
        "entity_id": "The entity", "alias": "The other name", "type": "acronym, alias or former name",
        "note": "When and where the name was used"}),
    "entity_status": ("Each entity's legal status over time: proposed, planned, non-statutory, statutory, abolished.", {
        "entity_id": "The entity", "seq": "Order", "from_date": "From (as given)", "to_date": "Until (as given; empty: still)",
        "state": "The status", "basis": "What gave it that status (an Act, an order, a plan)", "note": "Note",
        "outcome": _OUTCOME}),
    "entity_items": ("Responsibilities, membership and facts of each entity, with the dates they apply.", {
        "entity_id": "The entity", "field": "responsibility, membership or fact", "seq": "Order", "text": "The item",
        "from_date": "From (as given)", "to_date": "Until (as given)", "note": "Note"}),
    "entity_links": ("How entities relate: part_of, accountable_to, produces, replaced, became, related.", {
        "entity_id": "The entity", "relation": "The relation", "target_id": "The other entity", "note": "Note"}),
    "events": ("The timeline, 2012-2026. " + _DATES, {
        "id": "Event id", "date": "Date as given", "date_start": "First day of date", "end_date": "End, for a period",
        "title": "Title", "description": "What happened",
        "status": "done, announced, planned or in-progress (announced and planned are not done)",
        "confidence": "confirmed, single-source or disputed",
        "outcome": _OUTCOME}),
    "event_entities": ("Which entities each event involves.", {"event_id": "The event", "entity_id": "The entity"}),
    "event_tags": ("Tags of each event (legislation, policy, structure, guidance ...).", {
        "event_id": "The event", "tag": "The tag"}),
    "claims": ("Where sources disagree: every value with a flag for the one taken as current.", {
        "id": "Row id", "entity_id": "The entity (or empty)", "event_id": "The event (or empty)",
        "topic": "What the sources disagree about", "value": "One source's value",
        "is_current": "1 for the value taken as current", "note": "Note on this value", "topic_note": "Note on the topic"}),
    "responsibilities": ("Who took over which duty, and when (mostly 1 July 2022, when CCGs were abolished).", {
        "id": "Responsibility id", "function": "The duty or function", "change": "carried over, changed, new or abolished",
        "effective": "When (as given)", "effective_start": "First day of effective",
        "status": "done, planned or proposed", "note": "Note",
        "outcome": _OUTCOME}),
    "responsibility_holders": ("Who held each responsibility before and after the change.", {
        "responsibility_id": "The responsibility", "role": "before or after", "entity_id": "The entity"}),
    "system_versions": ("Versions of the ICB and sub-ICB location data. " + _VERSION, {
        "id": "Version id", "date": "Date as given", "date_start": "First day the version is in force",
        "label": "Label", "provenance": "official (from copies of the ONS files) or derived (from a table copied "
        "from them)", "note": "What the version holds and where it comes from"}),
    "icbs": ("Integrated care boards in each data version (how many in each: `ics explain icb`, from this table).", {
        "id": "Row id: ONS code and version", "version_id": "Data version", "ons_code": "ONS (GSS) code, E54...",
        "ods_code": "NHS ODS code (Q..); empty where no official file gives one", "name": "Official name",
        "short_name": "Name without 'NHS' and 'Integrated Care Board'", "region": "NHS England region",
        "region_ods_code": "Region ODS code (Y56-Y63)", "region_ons_code": "Region ONS code (E40...)",
        "sub_icb_count": "Number of sub-ICB locations", "lsoa_count": "Number of LSOAs (2011 LSOAs in 2022, 2021 after)",
        "population": "Mid-2020 population on July 2022 boundaries (summed from ONS LSOA estimates; 2022 only)",
        "predecessor": "The April 2021 STP/ICS sharing most of its area", "predecessor_ons_code": "Its ONS code",
        "change_note": "What changed since the previous version", "provenance": "official or derived"}),
    "icb_formed_from": ("ICBs formed by a merger, and the ICBs they were formed from.", {
        "icb_id": "The new ICB row", "from_icb_id": "An ICB row it was formed from"}),
    "sub_icb_locations": ("Sub-ICB locations in each data version: most continue a former CCG (same ODS code).", {
        "id": "Row id: ODS code and version", "version_id": "Data version", "ods_code": "ODS code (e.g. 02Q)",
        "ons_code": "ONS code (E38...)", "name": "Official name", "icb_id": "The ICB row it belongs to",
        "former_ccg_name": "The April 2021 CCG it continues (2022 rows)", "former_ccg_ons_code": "That CCG's ONS code",
        "lsoa_count": "Number of LSOAs", "change_note": "Boundary or code change", "provenance": "official or derived"}),
    "local_authorities": ("Upper-tier local authorities on 1 July 2022 boundaries.", {
        "ons_code": "ONS code", "name": "Name", "type": "county, unitary authority, metropolitan district or London borough"}),
    "icb_local_authorities": ("Which ICBs cover each upper-tier authority (1 July 2022), wholly or in part.", {
        "icb_id": "The ICB row", "local_authority_code": "The authority's ONS code", "coverage": "whole or part",
        "lsoa_count": "LSOAs of the authority in the ICB (2011 LSOAs)"}),
    "citations": ("Every citation of every record, from the *_sources tables.", {
        "record_type": ", ".join(t.kind for t in CITED[:-1]) + " or " + CITED[-1].kind,
        "record_id": "The record's id", **CITE_COLUMNS}),
}

ICB_ON_DATE = """with version as (
  select id, label from system_versions where date_start <= :date order by date_start desc limit 1
)
select version.label as data_version, l.ods_code as sub_icb_ods_code, l.ons_code as sub_icb_ons_code,
  l.name as sub_icb_name, i.ods_code as icb_ods_code, i.ons_code as icb_ons_code, i.name as icb_name, i.region,
  (select min(v.date_start) from sub_icb_locations l2 join icbs i2 on i2.id = l2.icb_id
     join system_versions v on v.id = l2.version_id
   where l2.ods_code = l.ods_code and i2.ons_code = i.ons_code) as in_this_icb_since,
  l.provenance
from sub_icb_locations l join icbs i on i.id = l.icb_id join version on l.version_id = version.id
where trim(:code) <> '' and upper(trim(:code)) in (l.ods_code, l.ons_code, i.ods_code, i.ons_code)
order by l.ods_code"""

CITED_BY = (  # one join per record table with citations; its title field names the record
    "select c.record_type, c.record_id, coalesce(" + ", ".join(f"{t.kind}.{t.title}" for t in CITED) + ") as record,\n"
    "  c.field, c.at, c.quote\nfrom citations c\n"
    + "".join(f"left join {t.name} {t.kind} on c.record_type = '{t.kind}' and {t.kind}.id = c.record_id\n" for t in CITED)
    + "where c.source_id = :source\norder by c.record_type, c.record_id, c.seq")
# The tables of Open Government Licence data from the ONS lookups: the licensed record tables and the
# export's tables made from the ICB records.
LICENSED = tuple(t.name for t in RECORD_TABLES if t.licensed and t.exported) + (
    "icb_formed_from", "local_authorities", "icb_local_authorities")

QUERIES = {
    "icb_for_code_on_date": {
        "title": "Which ICB covers this code on this date?",
        "description": "A former CCG or sub-ICB location code (ODS 02Q or ONS E38000008), or an ICB code (QT1, "
                       "E54000060), and a date (YYYY-MM-DD, from 2022-07-01): the sub-ICB location and ICB in the data "
                       "version in force that day, and since when the location has been in that ICB.",
        "sql": ICB_ON_DATE,
    },
    "what_cites_this_source": {
        "title": "What cites this source?",
        "description": "Every record that cites a source (its id, as in the sources table), with where and the quote.",
        "sql": CITED_BY,
    },
}


def _cite_table(kind, table):
    columns = {f"{kind}_id": f"The {kind.replace('_', ' ')} (see {table})", **CITE_COLUMNS}
    return (f"Citations of {table}: which sources back each record, and where.", columns)


def tables():
    """{table: (description, {column: description})} for every table and view of the export."""
    out = dict(TABLES)
    for cited in CITED:
        out[f"{cited.kind}_sources"] = _cite_table(cited.kind, cited.name)
    return out


def metadata(database="ics", title="England's integrated care systems: the ics reference"):
    licensed = {"license": OGL, "license_url": OGL_URL, "source": ONS_SOURCE, "source_url": ONS_URL}
    described = {}
    for table, (text, columns) in tables().items():
        described[table] = {"description": text, "columns": dict(columns)}
        if table in LICENSED:
            described[table].update(licensed)
    for table, columns in FTS.items():
        described[f"{table}_fts"] = {"hidden": True, "description": f"Full-text index of {table} ({', '.join(columns)})."}
    return {
        "title": title,
        "description": "England's NHS integrated care systems: bodies and terms, the 2012-2026 timeline, who took "
                       "over which duty from CCGs, and the ICBs and sub-ICB locations with their codes from 1 July "
                       "2022, every record with its sources. Search the entities, events, sources, icbs and "
                       "sub_icb_locations tables; try the canned queries below.",
        "license": OGL + " (ICB and sub-ICB codes and names; the other tables cite their own sources)",
        "license_url": OGL_URL,
        "source": ONS_SOURCE + "; the other sources are listed in the sources table",
        "source_url": ONS_URL,
        "databases": {database: {"tables": described, "queries": QUERIES}},
    }
