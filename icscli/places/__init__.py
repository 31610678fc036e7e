"""GP practices, primary care networks, LSOAs and NHS trusts on any date: the queries on the places tables.

The tables (data/places/, read by store/places.py on first use) give what each dated file says; these
modules answer a question from them as plain data for the views, the JSON output and library callers:
`lsoa.py` (`ics lsoa`), `practices.py` (`ics practice`, `ics pcn`), `trusts.py` (`ics trust`), and
`base.py` (vintages, the code table, the file in force on a date, the ICB on a date from the systems
data); for `ics map`, `mapcodes.py`, `mapkinds.py` and `mappostcodes.py` (a column of place codes or
postcodes re-coded to a date). A sibling of queries/: it reads the systems data (systems/) for the ICB of a sub-ICB location on a
date. No click, no rich.
"""
