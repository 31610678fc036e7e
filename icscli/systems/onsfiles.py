"""What an ONS file is, from its header, its first row and its name: the ONS Postcode Directory (ONSPD),
the National Statistics Postcode Lookup (NSPL), or an LSOA to sub-ICB location to ICB lookup, and
which edition.

Column names change between editions. The long-standing ones are lower case and bare (`pcd`, `pcds`,
`dointr`, `doterm`, `oslaua`, `osward`, `laua`, `ward`, `lsoa11`, `lsoa21`, `ccg`, `sicbl`, `stp`,
`icb`, `nhser`, `ctry`); from September 2026 the directories name each with its vintage (`pcd7`,
`lad26cd`, `wd26cd`, `lsoa21cd`, `sicbl26cd`, `icb26cd`, `nhser24cd`, `ctry26cd`). The LSOA lookups name
theirs in capitals with the year (`LSOA21CD`, `SICBL26CD`, `SICBL26CDH`, `ICB26NM`). So a column is
recognised by a pattern, never a fixed list, and a name in any case. Plain data; nothing is read here.
"""
import re

from .postcode_text import normalise

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december")
# ONSPD_AUG_2026_UK.csv, NSPL_MAY_2025.zip, "(April 2026)": a month, whole or in three letters, then a year.
_MONTH_YEAR = re.compile(r"(?i)(?<![A-Za-z])(" + "|".join(_MONTH_NAMES + _MONTHS) + r")[ _-]*((?:19|20)\d\d)(?!\d)")

# A directory's columns: role -> the patterns of its names, first match wins. `postcode7` is the
# 7-character form (`pcd`, `pcd7`), the key the importer keeps; `postcode` the variable-length one.
DIRECTORY_ROLES = {
    "postcode7": (r"pcd7?",),
    "postcode": (r"pcds",),
    "introduced": (r"dointr",),
    "terminated": (r"doterm",),
    "lsoa": (r"lsoa21(?:cd)?", r"lsoa11(?:cd)?"),  # the 2021 LSOA where a directory gives both
    "ward": (r"osward", r"ward", r"wd\d\dcd"),
    "local_authority": (r"oslaua", r"laua", r"lad\d\dcd"),
    "sub_icb": (r"sicbl", r"sicbl\d\dcd", r"ccg", r"ccg\d\dcd"),
    "icb": (r"icb", r"icb\d\dcd", r"stp", r"stp\d\dcd"),
    "region": (r"nhser", r"nhser\d\dcd"),
}
DIRECTORY_NEEDS = ("postcode7|postcode", "terminated", "sub_icb")
# Columns only the ONSPD has (the NSPL has none): its 2001 census areas and its Ordnance Survey names.
ONSPD_ONLY = re.compile(r"^(?:oa01|oa01cd|lsoa01|lsoa01cd|msoa01|msoa01cd|oscty|oslaua|osward|parish|parncp\d\dcd)$")

# An LSOA lookup's columns (compared in lower case).
LOOKUP_ROLES = {
    "lsoa": (r"lsoa(?:11|21)cd",),
    "lsoa_name": (r"lsoa(?:11|21)nm",),
    "sub_icb": (r"sicbl\d\dcd", r"loc\d\dcd", r"ccg\d\dcd"),
    "sub_icb_ods": (r"sicbl\d\dcdh", r"loc\d\dcdh", r"ccg\d\dcdh"),
    "sub_icb_name": (r"sicbl\d\dnm", r"loc\d\dnm", r"ccg\d\dnm"),
    "icb": (r"icb\d\dcd", r"stp\d\dcd"),
    "icb_ods": (r"icb\d\dcdh", r"stp\d\dcdh"),
    "icb_name": (r"icb\d\dnm", r"stp\d\dnm"),
    "region": (r"nhser\d\dcd",),
    "region_ods": (r"nhser\d\dcdh",),
    "region_name": (r"nhser\d\dnm",),
    "local_authority": (r"lad\d\dcd", r"ltla\d\dcd"),
    "local_authority_name": (r"lad\d\dnm", r"ltla\d\dnm"),
}
LOOKUP_NEEDS = ("lsoa", "sub_icb")

KIND_NAMES = {"onspd": "ONS Postcode Directory (ONSPD)", "nspl": "National Statistics Postcode Lookup (NSPL)",
              "lsoa-lookup": "ONS LSOA to sub-ICB location to ICB lookup"}


class NotRecognised(Exception):
    """The header is not one of the files `ics import` reads; the message names what it needs."""


class Layout:
    """What a file is: its kind, each role's column (index and name), and its edition."""

    def __init__(self, kind, header, columns, edition):
        self.kind, self.header, self.columns, self.edition = kind, header, columns, edition

    def index(self, role):
        found = self.columns.get(role)
        return None if found is None else found[0]

    def names(self):
        """{role: the column's name in the file}."""
        return {role: name for role, (_, name) in self.columns.items()}


def _match(header, roles):
    lower = [name.strip().lower() for name in header]
    found = {}
    for role, patterns in roles.items():
        for pattern in patterns:
            hit = next((i for i, name in enumerate(lower) if re.fullmatch(pattern, name)), None)
            if hit is not None:
                found[role] = (hit, header[hit].strip())
                break
    return found


def _has(found, need):
    return any(part in found for part in need.split("|"))


def recognise(header, first_row, names):
    """The Layout of a file from its header, its first data row and its file names (the file given
    and, for a zip, the member read): NotRecognised (naming the columns needed) if it is none of them."""
    header = [h.lstrip("\ufeff") for h in header]
    directory = _match(header, DIRECTORY_ROLES)
    if "postcode7" in directory or "postcode" in directory:
        missing = [need for need in DIRECTORY_NEEDS if not _has(directory, need)]
        if missing:
            raise NotRecognised(_needs("a postcode directory (ONSPD or NSPL)", missing, directory_words=True))
        kind = _directory_kind(header, names)
        _check_row(first_row, directory, header, kind)
        return Layout(kind, header, directory, directory_edition(kind, names, directory))
    lookup = _match(header, LOOKUP_ROLES)
    if "lsoa" in lookup:
        missing = [need for need in LOOKUP_NEEDS if need not in lookup]
        if missing:
            raise NotRecognised(_needs("an LSOA to sub-ICB location lookup", missing))
        _check_row(first_row, lookup, header, "lsoa-lookup")
        return Layout("lsoa-lookup", header, lookup, lookup_edition(names, lookup))
    raise NotRecognised(
        "not an ONS postcode directory or LSOA lookup: a postcode directory (ONSPD or NSPL) needs the columns "
        "pcds (or pcd, pcd7), doterm and sicbl (or sicblYYcd, ccg); an LSOA lookup needs LSOA21CD (or LSOA11CD) "
        f"and SICBLYYCD; this file's first columns are {_first(header)}")


_WORDS = {"postcode7|postcode": "pcds (or pcd, pcd7)", "terminated": "doterm",
          "sub_icb": "a sub-ICB location (sicbl, sicblYYcd or ccg)", "lsoa": "LSOA21CD (or LSOA11CD)"}


def _needs(what, missing, directory_words=False):
    words = [_WORDS.get(m, m) for m in missing]
    if not directory_words and "sub_icb" in missing:
        words[missing.index("sub_icb")] = "a sub-ICB location (SICBLYYCD)"
    return f"not {what}: it has no column {' and no column '.join(words)}"


def _first(header, count=8):
    shown = ", ".join(h[:30] + ("..." if len(h) > 30 else "") for h in header[:count] if h) or "(none)"
    return shown + (f" and {len(header) - count} more" if len(header) > count else "")


def _directory_kind(header, names):
    for name in names:
        base = name.rsplit("/", 1)[-1].upper()
        if base.startswith("ONSPD"):
            return "onspd"
        if base.startswith("NSPL"):
            return "nspl"
    return "onspd" if any(ONSPD_ONLY.match(h.strip().lower()) for h in header) else "nspl"


def _check_row(row, found, header, kind):
    """The first row must look like the kind the header says: a postcode where the postcode is, a code of
    nine characters where the sub-ICB location is; a row of another width is another file."""
    if row is None:
        return  # a header alone: imports as no rows
    what = KIND_NAMES[kind]
    if len(row) != len(header):
        raise NotRecognised(f"not a well-formed {what}: its first row has {len(row)} fields, its header {len(header)}")
    role = "postcode7" if "postcode7" in found else "postcode" if "postcode" in found else None
    if role and normalise(row[found[role][0]]) is None:
        raise NotRecognised(f"not a {what}: its first row's {found[role][1]} is {row[found[role][0]][:20]!r}, not a postcode")
    code = row[found["sub_icb" if role else "lsoa"][0]].strip()
    if code and not re.fullmatch(r"[A-Z][0-9]{8}", code):
        column = found["sub_icb" if role else "lsoa"][1]
        raise NotRecognised(f"not a {what}: its first row's {column} is {code[:20]!r}, not an ONS code")


def _name_month(names):
    """(year, month) from a name like ONSPD_AUG_2026_UK.csv or '(April 2026)', else None."""
    for name in names:
        base = name.rsplit("/", 1)[-1]
        hit = _MONTH_YEAR.search(base)
        if hit:
            return int(hit.group(2)), _MONTHS.index(hit.group(1).upper()[:3]) + 1
    return None


def _suffix_year(found, role):
    """The year a column's name carries (sicbl26cd: 2026), else None."""
    if role not in found:
        return None
    digits = re.search(r"(\d\d)(?:cd|cdh|nm)$", found[role][1].lower())
    return 2000 + int(digits.group(1)) if digits else None


def directory_edition(kind, names, found):
    """{'label', 'date' (YYYY-MM or ''), 'boundaries' (the year its sub-ICB column names, or None)}."""
    short = "ONSPD" if kind == "onspd" else "NSPL"
    month = _name_month(names)
    boundaries = _suffix_year(found, "sub_icb")
    if month:
        year, number = month
        return {"label": f"{short} {_MONTH_NAMES[number - 1].title()} {year}", "date": f"{year}-{number:02d}",
                "boundaries": boundaries}
    return {"label": f"{short} (edition not named in the file name)", "date": "", "boundaries": boundaries}


def lookup_edition(names, found):
    year = _suffix_year(found, "sub_icb")
    month = _name_month(names)
    if month and (year is None or month[0] == year):
        year, number = month
        return {"label": f"LSOA lookup {_MONTH_NAMES[number - 1].title()} {year}", "date": f"{year}-{number:02d}",
                "boundaries": year}
    label = f"LSOA lookup {year}" if year else "LSOA lookup (year not named)"
    return {"label": label, "date": str(year) if year else "", "boundaries": year}
