"""The one loader: data files -> validated, normalised records -> a KnowledgeBase.

YAML is parsed only when the compiled cache is missing or stale (see `cache.py`); `yaml` is imported
lazily so that a cached run never pays for it. Every problem is reported as `file:line: field: what`.
"""
import os
import re
import sys

from .. import dates
from ..base import lifecycle, safe, schema
from ..base.fsread import NotRegularFile, TooLarge, read_regular
from ..errors import Problem
from . import checks, yamlread
from .files import bundled_data_dir, data_files, scan  # noqa: F401  (re-exported)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_TEXT = 20_000
SHARED_TEXT = 120  # texts up to this long are interned: a publisher, a section or a date repeated over
# thousands of records is then one object, which marshal stores, and a run decodes, once
MAX_DEPTH = 12
MAX_INT = 2 ** 53 - 1  # exact in JSON readers and within SQLite's 64-bit INTEGER
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Control characters but tab and newline, bidirectional overrides ("Trojan Source") and lone surrogates:
# safe.py holds the one list. YAML's "\e" or "\x1b" escapes make them.
_FORBIDDEN = re.compile(safe.FORBIDDEN_IN_TEXT)


def _describe_char(char):
    what = ("lone surrogate" if 0xD800 <= ord(char) <= 0xDFFF else
            "bidirectional control" if ord(char) > 0x9F else "control character")
    return f"the {what} U+{ord(char):04X}"


# --------------------------------------------------------------------------- parsing


def parse_file(path, label, key_lines=True, sink=None):
    """Parse one YAML file safely; returns (document, problems). Without `key_lines`, mappings know
    their own line but not each key's (cheaper; compile_sources parses again when it must report).
    A `sink` (a `FileCheck`) takes the records as they are read (see `yamlread.build`)."""
    try:
        raw = read_regular(path, MAX_FILE_BYTES)
    except (NotRegularFile, TooLarge) as exc:
        return None, [Problem(label, 0, "", exc.strerror)]
    except OSError as exc:
        return None, [Problem(label, 0, "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(label, line, "", f"not UTF-8 text (byte 0x{raw[exc.start]:02x})")]
    del raw  # a big overlay file should not be held twice
    yaml = yamlread.parser()[0]
    try:
        document = yamlread.build(text, key_lines=key_lines, sink=sink)
    except yamlread.Refused as exc:
        return None, [Problem(label, exc.line, "", exc.message)]
    except yaml.reader.ReaderError as exc:  # a raw NUL or other control character in the file
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        return None, [Problem(label, line, "", f"{_describe_char(char)} is not allowed in a YAML file")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "YAML error"
        what = re.sub(r"\s+", " ", what).strip()
        return None, [Problem(label, line, "", f"YAML syntax: {what}")]
    except yaml.YAMLError as exc:
        return None, [Problem(label, 0, "", f"YAML error: {exc}")]
    return document, []


# --------------------------------------------------------------------------- validation


_RULES = {}


def _rules(spec):
    """({field: (rule, name kept under)}, required fields) of a schema spec, worked out once per spec."""
    made = _RULES.get(id(spec))
    if made is None or made[0] is not spec:
        fields = {}
        for key, rule in spec.items():
            rule, name = rule.rstrip("!"), key
            if rule.startswith("private:"):  # kept for maintainers and tests under `_key`, never shown
                rule, name = rule[8:], "_" + key
            fields[key] = (rule, name)
        made = _RULES[id(spec)] = (spec, fields, [key for key, rule in spec.items() if rule.endswith("!")])
    return made[1], made[2]


class _Checker:
    """Checks one file's records against `schema`, normalising them as it goes."""

    def __init__(self, label):
        self.label = label
        self.problems = []
        self.refs = []  # (kind, id, file, line, field) to resolve once everything is loaded

    def problem(self, line, field, message):
        self.problems.append(Problem(self.label, line, field, message))

    def record(self, raw, spec, where, depth=0):
        if not isinstance(raw, dict):
            self.problem(where[0], where[1], f"expected a mapping, got {_typename(raw)}")
            return None
        if depth > MAX_DEPTH:
            self.problem(raw.line, where[1], "nested too deeply")
            return None
        out = {}
        prefix = f"{where[1]}." if where[1] else ""
        fields, required = _rules(spec)
        key_lines, own_line, maintainer, check = raw.key_lines, raw.line, schema.MAINTAINER_FIELDS, self.value
        for key, value in raw.items():
            line = key_lines.get(key, own_line)
            field = prefix + key if prefix else key
            if key in maintainer:  # checked, never kept: nothing can print it
                check("text", value, (line, field), depth)
                continue
            if key not in fields:
                self.problem(line, field, f"unknown field (known: {', '.join(spec)})")
                continue
            rule, name = fields[key]
            checked = check(rule, value, (line, field), depth)
            if checked is not _BAD:
                out[name] = checked
        for key in required:
            if key not in raw or raw[key] in (None, "", []):
                if key in raw:
                    self.problem(raw.key_lines.get(key, raw.line), prefix + key, "must not be empty")
                else:
                    self.problem(raw.line, prefix + key, "required field is missing")
        out["_loc"] = f"{self.label}:{raw.line}"
        return out

    def value(self, rule, value, where, depth):
        if value is None and rule not in ("date_or_null",):
            return None
        if rule in _LIST_RULES or rule.startswith("refs:"):  # the rules are exclusive: lists first, no long test chain
            return self.list_value(rule, value, where, depth)
        if rule == "id":
            if not isinstance(value, str) or not _ID.match(value):
                return self.bad(where, f"'{value}' is not a valid id (lowercase words joined by hyphens)")
            return sys.intern(value)
        if rule == "text":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(value)
            if not isinstance(value, str):
                return self.bad(where, f"expected text, got {_typename(value)}")
            if len(value) > MAX_TEXT:
                return self.bad(where, f"text is {len(value)} characters; the limit is {MAX_TEXT}")
            bad = _FORBIDDEN.search(value)
            if bad:
                return self.bad(where, f"{_describe_char(bad.group())} is not allowed in text "
                                       "(only tab and newline among control characters)")
            value = value.strip()
            return sys.intern(value) if len(value) <= SHARED_TEXT else value
        if rule == "url":
            value = self.value("text", value, where, depth)
            if value is not _BAD and not safe.is_safe_url(value):
                return self.bad(where, f"'{value}' is not an http:// or https:// address")
            return value
        if rule == "sha256":
            if not isinstance(value, str) or not _SHA256.match(value):
                return self.bad(where, f"'{value}' is not a SHA-256 (64 lowercase hexadecimal digits)")
            return value
        if rule == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                return self.bad(where, f"expected a whole number, got {_typename(value)}")
            if not 0 <= value <= MAX_INT:
                return self.bad(where, f"{value} is not a count from 0 to {MAX_INT}")
            return value
        if rule.startswith("ref:"):
            return self.ref(rule[4:], value, where)
        if rule == "bool":
            if not isinstance(value, bool):
                return self.bad(where, f"expected true or false, got {_typename(value)}")
            return value
        if rule in ("date", "date_or_null"):
            if value is None:
                return None
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            try:
                return sys.intern(dates.parse(value))
            except ValueError as exc:
                return self.bad(where, str(exc))
        if rule.startswith("enum:"):
            allowed = schema.VOCABULARIES[rule[5:]]
            if value not in allowed:
                return self.bad(where, f"'{value}' is not one of: {', '.join(allowed)}")
            return sys.intern(value)  # one string object for every record that names it
        if rule == "levels":
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v not in schema.LEVELS:
                    return self.bad(where, f"'{v}' is not one of: {', '.join(schema.LEVELS)}")
            return [sys.intern(v) for v in values]
        if rule == "entity_id":
            return self.ref("entity", value, where)
        if rule == "source_id":
            return self.ref("source", value, where)
        if rule == "event_id":
            return self.ref("event", value, where)
        if rule == "outcome":
            checked = self.record(value, schema.OUTCOME, where, depth + 1)
            if checked is None:
                return _BAD
            checked.pop("_loc", None)
            if not checked.get("event") and not checked.get("sources"):
                return self.bad(where, "an outcome needs the event that records it or its own sources")
            return checked
        raise AssertionError(f"unknown rule {rule}")

    def list_value(self, rule, value, where, depth):
        """A list-valued rule."""
        line, field = where
        if not isinstance(value, list):
            return self.bad(where, f"expected a list, got {_typename(value)}")
        if rule == "strs":
            return [self.value("text", v, (line, f"{field}[{i}]"), depth) for i, v in enumerate(value)]
        if rule == "tags":
            return [self.value("enum:TAGS", v, (line, f"{field}[{i}]"), depth) for i, v in enumerate(value)]
        if rule.startswith("refs:"):
            return [self.ref(rule[5:], v, (line, f"{field}[{i}]")) for i, v in enumerate(value)]
        if rule == "entity_ids":
            return [self.ref("entity", v, (line, f"{field}[{i}]")) for i, v in enumerate(value)]
        if rule == "cites":
            return [self.cite(v, (line, f"{field}[{i}]"), depth) for i, v in enumerate(value)]
        nested = getattr(schema, _NESTED[rule])
        out, lines = [], []
        for i, item in enumerate(value):
            item_line = getattr(item, "line", line)
            checked = self.record(item, nested, (item_line, f"{field}[{i}]"), depth + 1)
            if checked is not None:
                checked.pop("_loc", None)
                out.append(checked)
                lines.append(item_line)
        if rule == "periods" and len(out) == len(value):
            for at, field_path, message in lifecycle.history_problems(out):
                self.problem(lines[at], field_path.replace("status", field, 1), message)
        return out

    def cite(self, value, where, depth):
        if isinstance(value, str):
            return {"source": self.ref("source", value, where)}
        checked = self.record(value, schema.CITATION, where, depth + 1)
        if checked is not None:
            checked.pop("_loc", None)
        return checked

    def ref(self, kind, value, where):
        if not isinstance(value, str) or not _ID.match(value):
            return self.bad(where, f"'{value}' is not a valid {kind} id")
        value = sys.intern(value)  # an id named by thousands of records is one string
        self.refs.append((kind, value, self.label, where[0], where[1]))
        return value

    def bad(self, where, message):
        self.problem(where[0], where[1], message)
        return _BAD


_BAD = object()
_NESTED = {  # list rules of nested records -> their schema spec
    "items": "ITEM", "periods": "PERIOD", "former_names": "FORMER_NAME", "links": "LINK", "claims": "CLAIM",
    "claim_values": "CLAIM_VALUE", "local_authorities": "LOCAL_AUTHORITY", "counts": "COUNT", "counted_by": "COUNTED_BY",
    "parts": "PART", "steps": "STEP", "vintages": "VINTAGE", "boundary_changes": "BOUNDARY_CHANGE",
    "place_splits": "PLACE_SPLIT", "place_totals": "PLACE_TOTAL",
    "place_residents": "PLACE_RESIDENTS",
}
_LIST_RULES = frozenset(("strs", "tags", "entity_ids", "cites", *_NESTED))


def _typename(value):
    return {dict: "a mapping", yamlread.Located: "a mapping", list: "a list", str: "text", bool: "true/false",
            int: "a number", float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


class FileCheck:
    """Checks one file's top-level values and records, one at a time: as a sink of `yamlread.build`
    they come while the file is read, so a big file's records are checked and its mappings dropped
    as they come, in the order a whole-document walk would take."""

    def __init__(self, label):
        self.checker = _Checker(label)
        self.records = {}

    def item(self, document, key, raw):
        """One item of a top-level list (checked only under a known record type)."""
        spec = schema.RECORD_TYPES.get(key)
        if spec is None:
            return
        line = document.key_lines.get(key, 1)
        record = self.checker.record(raw, spec, (getattr(raw, "line", line), ""))
        if record is not None and isinstance(record.get("id"), str):
            self.records.setdefault(key, []).append(record)

    def value(self, document, key, value):
        """One top-level value, after its items."""
        checker = self.checker
        line = document.key_lines.get(key, 1)
        if key == "meta":
            meta = checker.record(value, schema.META, (line, "meta"))
            if meta is not None:
                self.records.setdefault("meta", []).append(dict(meta, id="meta"))
        elif key not in schema.RECORD_TYPES:
            checker.problem(line, key, f"unknown top-level key (known: {', '.join(schema.RECORD_TYPES)}, meta)")
        elif value is not None and not isinstance(value, list):
            checker.problem(line, key, f"expected a list of records, got {_typename(value)}")

    def finish(self, document):
        """({record_type: [records]}, problems, refs) of the whole file."""
        if document is not None and not isinstance(document, dict):
            self.checker.problem(1, "", f"a data file must be a mapping with keys {', '.join(schema.RECORD_TYPES)}, meta")
        return self.records, self.checker.problems, self.checker.refs


# --------------------------------------------------------------------------- assembling


def _label(path, directory, tag):
    rel = os.path.relpath(path, directory)
    return os.path.join(tag, rel) if tag else rel


def compile_sources(layers, base=None, key_lines=False):
    """Parse and validate layers of data directories (bundled first, overlays after), on top of the
    already validated tables of the layers below (`base`, from their compiled state) if given.

    Returns (tables, problems): tables maps record type -> {id: record}, later layers winning.
    """
    tables = {key: base[key].copy() if base and key in base else {} for key in list(schema.RECORD_TYPES) + ["meta"]}
    problems, refs = [], []
    for directory, tag in layers:
        files, walk_problems = scan(directory) if os.path.isdir(directory) else ([], [])
        problems.extend(Problem(_label(p.file, directory, tag), 0, "", p.message) for p in walk_problems)
        if not files and tag:
            problems.append(Problem(directory, 0, "", "no .yaml files found in this directory"))
        seen_here = {key: {} for key in list(schema.RECORD_TYPES) + ["meta"]}
        for path in files:
            label = _label(path, directory, tag)
            check = FileCheck(label)  # records are checked as they are read: the file is never held whole
            document, file_problems = parse_file(path, label, key_lines=key_lines, sink=check)
            problems.extend(file_problems)
            if file_problems:
                continue
            records, record_problems, record_refs = check.finish(document)
            del document, check
            problems.extend(record_problems)
            refs.extend(record_refs)
            for key, items in records.items():
                for record in items:
                    first = seen_here[key].get(record["id"])
                    if first:
                        file, line = record["_loc"].rsplit(":", 1)
                        problems.append(Problem(file, int(line), "id",
                                                f"duplicate id '{record['id']}' (first at {first})"))
                        continue
                    seen_here[key][record["id"]] = record["_loc"]
                    tables[key][record["id"]] = record
    problems.extend(checks.references(tables, refs))
    problems.extend(checks.records(tables))
    if not tables["meta"] and any(tag == "" for _, tag in layers):
        problems.append(Problem("meta.yaml", 0, "meta.data_as_of", "the bundled data must say when its sources were last checked"))
    if problems and not key_lines:  # line maps only when there is something to report: parse again with them
        return compile_sources(layers, base, key_lines=True)
    return tables, problems
