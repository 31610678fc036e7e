"""The YAML event reader (icscli/store/yamlread.py) held equal to `yaml.safe_load` over generated documents.

`yamlread.build` reads ics data in one pass over libyaml's events. Where it takes a document, its value
equals yaml.safe_load's (PyYAML's pure-Python parser: two implementations compared), types included:
YAML 1.1 booleans (yes, No, ON; y and n stay text), octal, hexadecimal and base-60 numbers, nulls (~,
null, nothing), block scalars (| and >, with their chomping), quoted strings with every escape. Its
mappings are `Located`: their line and each key's line are those PyYAML's composer gives.

Where it differs, on purpose (from its docstrings):
- a timestamp stays the text it was written as, where safe_load makes a date or datetime ("dates stay
  strings: their form is their precision": ics dates are 2022, 2022-07 or 2022-07-01). So `2022-02-30`
  is text too (the schema checks dates afterwards), where safe_load fails.
- it refuses "aliases (they can explode in size), merge keys, non-text or duplicate keys, tags other
  than YAML's plain types and absurd nesting" (more than 64 levels), each with the line of the
  construct, where safe_load expands aliases, merges, keeps the last duplicate, makes int, bool and
  None keys and builds !!set, !!omap and !!pairs. Python and local tags and a second document: both refuse.
One difference is libyaml's, not the reader's: an escaped UTF-16 surrogate pair ("\\ud83d\\ude00") is a
scanner error there, and two lone surrogates from safe_load; the escapes generated here avoid it.
"""
import datetime
import functools
import math

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from icscli.store import yamlread

FUZZ = {"deadline": None, "derandomize": True, "database": None,
        "suppress_health_check": [HealthCheck.filter_too_much, HealthCheck.too_slow,
                                  HealthCheck.function_scoped_fixture]}


class TimestampsAsText(yaml.SafeLoader):
    """yaml.safe_load but for the reader's one difference in values: a timestamp stays its text."""


TimestampsAsText.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


def expected(text):
    return yaml.load(text, Loader=TimestampsAsText)


def same(read, wanted):
    """Equal values of equal types, mappings `Located` and in the same order (NaN equals NaN)."""
    if isinstance(wanted, dict):
        return type(read) is yamlread.Located and list(read) == list(wanted) and all(
            same(read[key], wanted[key]) for key in wanted)
    if isinstance(wanted, list):
        return type(read) is list and len(read) == len(wanted) and all(map(same, read, wanted))
    if isinstance(wanted, float) and math.isnan(wanted):
        return type(read) is float and math.isnan(read)
    return type(read) is type(wanted) and read == wanted


def lines_agree(read, node):
    """Each mapping's line and each key's line as PyYAML's composer marks them."""
    if isinstance(node, yaml.MappingNode):
        assert read.line == node.start_mark.line + 1, (read, node.start_mark)
        for key_node, value_node in node.value:
            assert read.key_lines[key_node.value] == key_node.start_mark.line + 1, (key_node.value, key_node.start_mark)
            lines_agree(read[key_node.value], value_node)
    elif isinstance(node, yaml.SequenceNode):
        for item, item_node in zip(read, node.value):
            lines_agree(item, item_node)


def line_of(error):
    """The line a refusal names: Refused.line, or the yaml error's mark (what the loader reports)."""
    if isinstance(error, yamlread.Refused):
        return error.line
    mark = error.problem_mark or error.context_mark
    return mark.line + 1


# --------------------------------------------------------------------------- documents, generated

class Scalar:
    """A scalar as written: `text` after `key: ` or `- ` (for a block scalar, its header and then the
    lines of its `body`); `flow`: it may stand in a flow collection."""

    def __init__(self, text, body=None, flow=True):
        self.text, self.body, self.flow = text, body, flow and body is None and text != ""

    def __repr__(self):
        return f"Scalar({self.text!r}, {self.body!r})"


@functools.cache
def _reads_as_itself(doc, token, path):
    try:
        node = yaml.compose(doc)
    except yaml.YAMLError:
        return False
    for step in path:
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) or len(node.value) != 1:
            return False
        node = node.value[0] if step is None else node.value[0][step]
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value == token and node.tag != \
        "tag:yaml.org,2002:merge"  # `<<` is refused (test below)


@functools.cache  # generation asks again and again: PyYAML's pure-Python composer is slow
def plain(token):
    """A plain scalar that reads back as itself after `key: ` and after `- `; also in a flow collection?"""
    if not (_reads_as_itself(f"k: {token}", token, (1,)) and _reads_as_itself(f"- {token}", token, (None,))):
        return None
    flow = _reads_as_itself(f"[{token}]", token, (None,)) and _reads_as_itself(f"{{k: {token}}}", token, (1,))
    return Scalar(token, flow=flow)


RESOLVED = [  # plain scalars the YAML 1.1 resolver turns into something else, and near misses
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE",
    "false", "False", "FALSE", "y", "Y", "n", "N", "yES", "oN", "tRUE", "~", "null", "Null", "NULL", "nULL",
    "0", "-1", "+1", "017", "09", "0o17", "0x1F", "0x", "0b101", "0b2", "1_000", "1,000", "1:30", "190:20:30",
    "-1:30", "20:30:40:50", "3.14", "-.5", "+.5", "1.", "0.", "08.5", "1.0e3", "6.8523015e+5", "1e3", ".inf",
    "-.Inf", "+.INF", ".NaN", ".nan", "._", "2022-07-01", "2022-7-1", "2022-02-30", "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5", "2001-12-15 2:59:43.10", "2002-12-14", "2022", "2022-07", "12:00", "hello",
    "hello world", "é", "a:b", "a#b", "a #b", "-a", "+", "=", "@a", "%", "'a", "\"a", "a'b", "!", "&", "*", "<<"]
PLAIN = st.one_of(st.sampled_from(RESOLVED), st.text("abyYnNoO01289.:_-+ ~eExX", min_size=1, max_size=8)).map(
    plain).filter(bool)


def _double(text):
    """`text` double-quoted, every character but printable ASCII as an escape."""
    return '"' + "".join(char if " " <= char <= "~" and char not in '"\\' else
                         f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"
                         for char in text) + '"'


PRINTABLE = st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\x85\ufeff\ufffe\uffff")
DOUBLE = st.text(max_size=12).map(lambda text: Scalar(_double(text)))
SINGLE = st.text(PRINTABLE, max_size=12).map(lambda text: Scalar("'" + text.replace("'", "''") + "'"))
LINE = st.text(st.sampled_from("ab #:-'\"é\t"), max_size=8)
EDGE = st.sampled_from("ab#:-'\"é")
BLOCK = st.builds(lambda header, first, rest: Scalar(header, [first] + rest),
                  st.sampled_from(["|", "|-", "|+", ">", ">-", ">+"]),
                  st.builds(lambda a, middle, b: a + middle + b, EDGE, LINE, EDGE),  # it sets the indentation
                  st.lists(st.one_of(LINE, LINE.map(lambda line: " " + line)), max_size=3))
SCALAR = st.one_of(PLAIN, DOUBLE, SINGLE, BLOCK, st.just(Scalar("")))


def key_of(key):
    """What a key reads as."""
    return _key_of(key.text)


@functools.cache
def _key_of(text):
    return next(iter(expected(f"{text}: 0")))


KEY = st.one_of(st.one_of(st.sampled_from(["y", "n", "Y", "2022-07-01", "2001-12-14 21:59:43.10 -5", "a:b", "a#b",
                                           "-a", "%", "=", "é", "hello world"]),
                          st.text("abcxyz_-. é", min_size=1, max_size=8)).map(plain).filter(
    lambda key: key and _reads_as_itself(f"{key.text}: 0", key.text, (0,)) and isinstance(key_of(key), str)),
                DOUBLE, SINGLE)


def collections(inner):
    """("list", items, flow?) or ("map", [(key, value)], flow?): flow style where it can be."""
    return st.one_of(st.tuples(st.just("list"), st.lists(inner, max_size=4), st.booleans()),
                     st.tuples(st.just("map"), st.lists(st.tuples(KEY, inner), max_size=4,
                                                        unique_by=lambda pair: key_of(pair[0])), st.booleans()))


TREE = st.recursive(SCALAR, collections, max_leaves=14)


def _flowable(node):
    if isinstance(node, Scalar):
        return node.flow
    kind, content, _ = node
    if kind == "list":
        return all(map(_flowable, content))
    return all(key.flow and _flowable(value) for key, value in content)


def _flow(node):
    if isinstance(node, Scalar):
        return node.text
    kind, content, _ = node
    if kind == "list":
        return "[" + ", ".join(map(_flow, content)) + "]"
    return "{" + ", ".join(f"{key.text}: {_flow(value)}" for key, value in content) + "}"


def _inline(node):
    return not node[1] or (node[2] and _flowable(node))


def _put(value, head, pad, lines):
    """`head` (`key:` or `-`, at indentation `pad`) and its value."""
    if isinstance(value, Scalar):
        lines.append(f"{head} {value.text}" if value.text else head)
        lines.extend(pad + "  " + line if line else "" for line in value.body or ())
    elif _inline(value):
        lines.append(f"{head} {_flow(value)}")
    else:
        lines.append(head)
        _block(value, pad + "  ", lines)


def _block(node, pad, lines):
    kind, content, _ = node
    for entry in content:
        if kind == "list":
            _put(entry, f"{pad}-", pad, lines)
        else:
            _put(entry[1], f"{pad}{entry[0].text}:", pad, lines)


def lines_of(node):
    """The YAML lines of a generated tree: block style, or flow where the tree asks and can."""
    if isinstance(node, Scalar):
        return ["--- " + node.text] + ["  " + line if line else "" for line in node.body or ()]
    if _inline(node):
        return [_flow(node)]
    lines = []
    _block(node, "", lines)
    return lines


def document(node, start=""):
    if isinstance(node, Scalar):  # written after `--- ` already
        start = start.replace("---\n", "")
    return start + "\n".join(lines_of(node)) + "\n"


# --------------------------------------------------------------------------- what it takes


@settings(max_examples=300, **FUZZ)
@given(node=st.one_of(st.deferred(lambda: collections(TREE)), SCALAR), start=st.sampled_from(["", "---\n", "# ics\n"]))
@example(node=("map", [(Scalar("when"), Scalar("2022-07-01")), (Scalar("at"), Scalar("2001-12-14 21:59:43.10 -5")),
                       (Scalar("2022-07"), Scalar("2022-02-30"))], False), start="")
@example(node=("list", [Scalar(v) for v in ["yes", "No", "ON", "off", "y", "n", "~", "", "0o17", "017", "0x1F",
                                             "1:30", ".NaN", "-.Inf", "1e3", "1.0e3"]], False), start="")
@example(node=("map", [(plain("="), Scalar("")), (plain("y"), Scalar("1"))], True), start="")  # `=` as a key is text
def test_what_it_takes_equals_safe_load(node, start):
    text = document(node, start)
    try:
        wanted = expected(text)
    except yaml.constructor.ConstructorError:  # `=` as a value (YAML 1.1's value key): both refuse
        assert "tag:yaml.org,2002:value" in repr(yaml.compose(text))
        with pytest.raises(yaml.constructor.ConstructorError, match="tag:yaml.org,2002:value"):
            yamlread.build(text)
        return
    read = yamlread.build(text)
    assert same(read, wanted), (text, read, wanted)
    assert same(yamlread.build(text, key_lines=False), wanted)
    lines_agree(read, yaml.compose(text))
    try:
        plain_wanted = yaml.safe_load(text)
    except ValueError:  # a timestamp with no such day: the reader keeps the text, safe_load fails
        assert "timestamp" in repr(yaml.compose(text))
        return
    if not _has_timestamp(yaml.compose(text)):  # then safe_load itself gives the same
        assert same(read, plain_wanted), text


def _has_timestamp(node):
    if isinstance(node, yaml.ScalarNode):
        return node.tag == "tag:yaml.org,2002:timestamp"
    children = [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else node.value
    return any(map(_has_timestamp, children))


def test_timestamps_stay_text_where_safe_load_makes_dates():
    text = "a: 2022-07-01\nb: 2001-12-14t21:59:43.10-05:00\n2022-01-01: c\nd: '2022-07-01'\n"
    assert yaml.safe_load(text) == {"a": datetime.date(2022, 7, 1), "b": datetime.datetime(
        2001, 12, 14, 21, 59, 43, 100000, tzinfo=datetime.timezone(datetime.timedelta(hours=-5))),
        datetime.date(2022, 1, 1): "c", "d": "2022-07-01"}
    assert yamlread.build(text) == {"a": "2022-07-01", "b": "2001-12-14t21:59:43.10-05:00", "2022-01-01": "c",
                                    "d": "2022-07-01"}


def test_yaml_1_1_booleans_and_nulls_as_safe_load_reads_them():
    words = ["yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE",
             "false", "False", "FALSE", "y", "Y", "n", "N", "yEs", "~", "null", "Null", "NULL", ""]
    text = "".join(f"k{i}: {word}\n" for i, word in enumerate(words))
    read = yamlread.build(text)
    assert same(read, yaml.safe_load(text))
    assert [read[f"k{i}"] for i in range(len(words))] == [True] * 3 + [False] * 3 + [True] * 3 + [False] * 3 + \
        [True] * 3 + [False] * 3 + ["y", "Y", "n", "N", "yEs"] + [None] * 5


# --------------------------------------------------------------------------- what it refuses, and where

# name: (lines put among a generated mapping's top-level entries, which of them is refused, does safe_load
# take it). Where safe_load takes it, the refusal is the reader's documented difference.
REFUSED = {
    "alias": (["zz_anchor: &a [1, 2]", "zz_alias: *a"], 1, True),
    "alias in a list": (["zz_anchor: &a 1", "zz_list:", "  - x", "  - *a"], 3, True),
    "merge key": (["zz_base: {x: 1}", "<<: {x: 2}"], 1, True),
    "merge key, nested": (["zz:", "  <<: {x: 2}"], 1, True),
    "merge key as a value": (["zz: <<"], 0, False),
    "duplicate key": (["zz: 1", "zz: 2"], 1, True),
    "duplicate key, nested": (["zz:", "  - a: 1", "    b: 2", "    a: 3"], 3, True),
    "number key": (["1: x"], 0, True),
    "boolean key": (["yes: x"], 0, True),
    "null key": (["~: x"], 0, True),
    "float key, nested": (["zz:", "  3.5: x"], 1, True),
    "list key": (["[a, b]: x"], 0, False),
    "mapping key": (["? {a: 1}", ": x"], 0, False),
    "python object": (["zz: !!python/object/apply:os.system [echo]"], 0, False),
    "python name": (["zz:", "  - !!python/name:os.system ''"], 1, False),
    "local tag": (["zz: !ics x"], 0, False),
    "set": (["zz: !!set {a, b}"], 0, True),
    "omap": (["zz: !!omap [a: 1]"], 0, True),
    "pairs": (["zz:", "  - !!pairs [a: 1]"], 1, True),
    "second document": (["---", "zz: 1"], 0, False),
}
ENTRIES = st.lists(st.tuples(KEY.filter(lambda key: not key_of(key).startswith("zz")), TREE), max_size=5,
                   unique_by=lambda pair: key_of(pair[0]))


def _takes(text):
    try:
        expected(text)
    except yaml.YAMLError:
        return False
    return True


@pytest.mark.parametrize("name", sorted(REFUSED))
@settings(max_examples=6, **FUZZ)
@given(entries=ENTRIES, at=st.integers(0, 5))
def test_what_it_refuses_it_refuses_at_the_line_of_the_construct(name, entries, at):
    construct, refused, safe_load_takes = REFUSED[name]
    blocks = []
    for key, value in entries:
        blocks.append([])
        _put(value, f"{key.text}:", "", blocks[-1])
    before = [line for block in blocks[:at] for line in block]
    text = "\n".join(before + construct + [line for block in blocks[at:] for line in block]) + "\n"
    assume(_takes("\n".join(before + [line for block in blocks[at:] for line in block]) + "\n"))  # the rest is fine
    assume(before or name != "second document")  # `---` first starts the only document
    try:
        read = yamlread.build(text)
    except (yamlread.Refused, yaml.YAMLError) as exc:
        assert line_of(exc) == len(before) + refused + 1, (text, exc)
    else:
        raise AssertionError(f"{name} taken: {read!r}\n{text}")
    assert _takes(text) == safe_load_takes, text


@settings(max_examples=60, **FUZZ)
@given(kinds=st.lists(st.sampled_from(["map", "list"]), min_size=1, max_size=12), limit=st.integers(1, 10))
def test_nesting_deeper_than_the_limit_is_refused_at_its_line(kinds, limit):
    text = _nested(kinds)
    if len(kinds) <= limit:
        assert same(yamlread.build(text, max_depth=limit), expected(text))
        return
    try:
        yamlread.build(text, max_depth=limit)
    except yamlread.Refused as exc:  # the first collection too many starts on the line of its number
        assert (exc.line, exc.message) == (limit + 1, f"nested more than {limit} levels deep"), text
    else:
        raise AssertionError(text)


def _nested(kinds):
    """Collections inside each other, one a line: collection n starts on line n."""
    lines = [("  " * depth) + (f"k{depth}:" if kind == "map" else "-") for depth, kind in enumerate(kinds)]
    return "\n".join(lines) + " x\n"


def test_sixty_four_levels_are_taken_and_sixty_five_refused():
    kinds = ["map", "list"] * 33
    assert same(yamlread.build(_nested(kinds[:64])), expected(_nested(kinds[:64])))
    try:
        yamlread.build(_nested(kinds[:65]))
    except yamlread.Refused as exc:
        assert (exc.line, exc.message) == (65, "nested more than 64 levels deep")
    else:
        raise AssertionError("65 levels taken")
    assert expected(_nested(kinds[:65]))  # safe_load takes it


# --------------------------------------------------------------------------- through the CLI: file:line

SOURCE = ["sources:", "  - id: zz-src", "    title: T", "    publisher: P", "    date: \"2022\"", "    kind: web",
          "    url: https://example.org/a"]
IN_A_RECORD = {"alias": ["    zz_anchor: &a P", "    note: *a"], "duplicate key": ["    title: T2"],
               "number key": ["    1: x"], "python tag": ["    note: !!python/name:os.system ''"],
               "merge key": ["    <<: {note: n}"]}


@settings(max_examples=12, **FUZZ)
@given(name=st.sampled_from(sorted(IN_A_RECORD)), at=st.integers(3, len(SOURCE)))
def test_an_overlay_file_names_the_line_of_the_construct(run, tmp_path_factory, name, at):
    lines = SOURCE[:at] + IN_A_RECORD[name] + SOURCE[at:]
    folder = tmp_path_factory.mktemp("yaml")
    (folder / "x.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("explain", "icb", "--data", folder)
    line = at + len(IN_A_RECORD[name])
    assert result.exit_code == 1 and result.output == "", result
    assert result.stderr.startswith(f"ics: error: {folder / 'x.yaml'}:{line}: ") and \
        len(result.stderr.splitlines()) == 1, (lines, result.stderr)
