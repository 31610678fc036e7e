"""YAML text to plain data in one pass over the C parser's events, refusing what ics data never needs.

Aliases (they can explode in size), merge keys, non-text or duplicate keys, tags other than YAML's
plain types, absurd nesting and integers past Python's digit limit are refused as they come, without
a second pass. Mappings are
`Located`: they know their own line and, when asked, each key's line, for `file:line` messages.
"""
import sys


class Located(dict):
    """A mapping that remembers the line of itself and of each key."""

    __slots__ = ("key_lines", "line")


_PARSER = []


def parser():
    """(yaml, the C-accelerated event parser, a resolver, a safe constructor), made once per run."""
    if not _PARSER:
        import yaml

        events_from = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        constructor = yaml.constructor.SafeConstructor()
        _PARSER.append((yaml, events_from, yaml.resolver.Resolver(), constructor))
    return _PARSER[0]


class Refused(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line, self.message = line, message


_PLAIN_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")  # dates stay strings: their form is their precision


_NO_LINES = {}  # shared by every mapping parsed without key lines: lookups fall back to the mapping's line


def build(text, max_depth=64, key_lines=True, sink=None):
    """Build the document from the parser's events in one pass, refusing aliases (they can explode in
    size), merge keys, non-text or duplicate keys, unknown tags and absurd nesting as they come.

    Mappings are `Located`: they remember their own line and each key's line for error messages.
    With a `sink`, a top-level mapping is handed over as it is read, so a big file is never held whole:
    `sink.item(root, key, item)` gets each finished item of a list under a top-level key (the list
    stays empty), then `sink.value(root, key, value)` each finished top-level value.
    """
    yaml, events_from, resolver, constructor = parser()
    scalar_node, error, intern = yaml.ScalarNode, yaml.constructor.ConstructorError, sys.intern
    scalar_event, alias_event, document_start = yaml.ScalarEvent, yaml.AliasEvent, yaml.DocumentStartEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent  # local names: read per event
    mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
    implicit = resolver.yaml_implicit_resolvers
    stack = []  # [container, pending key or _NO_KEY] per open collection
    document, documents = None, 0
    for event in iter(events_from(text).get_event, None):  # not yaml.parse: its generator costs a call per event
        kind = type(event)
        if kind is scalar_event:
            tag = event.tag
            if tag is None or tag == "!":
                tag = "tag:yaml.org,2002:str"
                if event.implicit[0]:  # plain: the resolver's patterns, as `Resolver.resolve` tries them
                    text_value = event.value
                    for candidate, pattern in implicit.get(text_value[:1], ()):  # (no wildcard patterns)
                        if pattern.match(text_value):
                            tag = candidate
                            break
            if tag in _PLAIN_TAGS:
                value = event.value
            elif tag == "tag:yaml.org,2002:merge":
                raise error(None, None, "merge keys (<<) are not allowed in ics data", event.start_mark)
            elif tag == "tag:yaml.org,2002:value" and stack and type(stack[-1][0]) is Located and \
                    stack[-1][1] is _NO_KEY:  # a key `=`: text, as safe_load reads it (as a value: refused)
                value = event.value
            elif tag in constructor.yaml_constructors and tag.startswith("tag:yaml.org,2002:") and \
                    tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:omap",
                                "tag:yaml.org,2002:pairs", "tag:yaml.org,2002:set"):
                try:
                    value = constructor.yaml_constructors[tag](constructor, scalar_node(tag, event.value, event.start_mark))
                except ValueError as exc:  # an integer past Python's digit limit
                    raise Refused(event.start_mark.line + 1, _unreadable(tag, event.value, exc)) from None
                if type(value) is int and value.bit_length() > 64:  # rare: only then worth the check
                    _writable(value, event.start_mark.line + 1)
            else:
                raise error(None, None, f"could not determine a constructor for the tag {tag!r}", event.start_mark)
        elif kind is mapping_start or kind is sequence_start:
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise error(None, None, f"could not determine a constructor for the tag {event.tag!r}",
                            event.start_mark)
            if len(stack) >= max_depth:
                raise Refused(event.start_mark.line + 1, f"nested more than {max_depth} levels deep")
            if kind is mapping_start:
                value = Located()
                value.line, value.key_lines = event.start_mark.line + 1, {} if key_lines else _NO_LINES
            else:
                value = []
            if stack and type(stack[-1][0]) is Located and stack[-1][1] is _NO_KEY:
                raise error(None, None, f"keys must be text, got {_kind(value)}", event.start_mark)
            _attach(stack, value, event, error)
            stack.append([value, _NO_KEY])
            continue
        elif kind is mapping_end or kind is sequence_end:
            value = stack.pop()[0]
            if not stack:
                document = value
            elif sink is not None and len(stack) <= 2 and type(stack[0][0]) is Located:
                _hand_over(stack, value, sink, True)
            continue
        elif kind is alias_event:
            raise Refused(event.start_mark.line + 1, "YAML aliases (*name) are not allowed in ics data")
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise error("expected a single document in the stream", None, "but found another document",
                            event.start_mark)
            continue
        else:
            continue
        if not stack:
            document = value
        elif len(stack) > 2 or sink is None or type(stack[0][0]) is not Located:
            top = stack[-1]  # the common case, inline: a scalar inside a record
            if type(top[0]) is list:
                top[0].append(value)
            elif top[1] is not _NO_KEY:
                top[0][top[1]] = value
                top[1] = _NO_KEY
            elif type(value) is str and value not in top[0]:  # a key, as `_attach` takes it
                value = top[1] = intern(value)
                if top[0].key_lines is not _NO_LINES:
                    top[0].key_lines[value] = event.start_mark.line + 1
            else:
                _attach(stack, value, event, error)  # refuses it
        elif len(stack) == 2 and type(stack[1][0]) is list:
            _hand_over(stack, value, sink, False)
        else:
            is_value = len(stack) == 1 and stack[0][1] is not _NO_KEY  # not a key
            _attach(stack, value, event, error)
            if is_value:
                _hand_over(stack, value, sink, False)
    return document


def _hand_over(stack, value, sink, attached):
    """Give the sink a finished item of a top-level list (taken out of the list again), or a finished
    top-level value. Called only while the root is a mapping and the value sits at depth 1 or 2."""
    root = stack[0][0]
    key = next(reversed(root))  # the latest key: keys are unique, so this value's
    if len(stack) == 2:
        if type(stack[1][0]) is not list:
            return
        if attached:
            stack[1][0].pop()
        sink.item(root, key, value)
    else:
        sink.value(root, key, value)


_NO_KEY = object()


def _attach(stack, value, event, error):
    """Put a finished value into the open collection: a list item, a mapping's key, or its value."""
    if not stack:
        return
    top = stack[-1]
    container = top[0]
    if type(container) is list:
        container.append(value)
    elif top[1] is _NO_KEY:
        if not isinstance(value, str):
            raise error(None, None, f"keys must be text, got {value!r}", event.start_mark)
        if value in container:
            raise error(None, None, f"duplicate key '{value}'", event.start_mark)
        value = sys.intern(value)  # every record's keys are then the same few strings
        if container.key_lines is not _NO_LINES:
            container.key_lines[value] = event.start_mark.line + 1
        top[1] = value
    else:
        container[top[1]] = value
        top[1] = _NO_KEY




def _unreadable(tag, text, exc):
    """Why a plain value cannot be read: an integer longer than Python converts (4,300 digits unless
    set otherwise), or what the constructor said."""
    if tag == "tag:yaml.org,2002:int":
        digits = sum(char.isdigit() for char in text)
        limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        return f"an integer of {digits:,} digits, more than Python reads ({limit:,} at most)"
    return f"a {tag.rsplit(':', 1)[-1]} that cannot be read: {str(exc)[:80]}"


def _writable(number, line):
    """Refuse an integer Python cannot write in decimal (read in hexadecimal, octal, binary or base 60,
    which have no limit on the way in): any message or output showing it would fail."""
    try:
        str(number)
    except ValueError:
        digits = int(number.bit_length() * 0.30103) + 1  # log10(2): about as many decimal digits
        limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        raise Refused(line, f"an integer of about {digits:,} digits, more than Python writes ({limit:,} at most)") \
            from None


def _kind(value):
    return "a mapping" if isinstance(value, dict) else "a list"
