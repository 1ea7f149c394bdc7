"""How deep YAML text nests lists and mappings, found before any YAML parser runs.

Parsers have nesting limits of their own: libyaml (0.2.6) stops at 1,000 levels, and
while it scans ahead over a run of ``[`` it may stop there before handing out a single
event; older builds and the pure-Python composer recurse instead. So forcegen bounds
the depth itself, first with :func:`depth_bound`, a one-pass scan of the text that
follows the YAML scanner's rules for comments, quoted, plain and block scalars, flow
collections and indentation, and that may overestimate but never underestimates the
depth of a well-formed document. Only when that bound is over the limit does
:func:`first_too_deep` count exactly, with PyYAML's pure-Python parser (iterative, no
limit of its own), stopping as soon as the depth exceeds the limit.

A block collection's entries share one column, and only a sequence that is the value
of a mapping key can share its key's column; so at most two block collections are
open per column of indentation. The scan keeps, per open column, which kinds of
collection (mapping, sequence) started there, and adds the flow collections open
inside ``[...]`` and ``{...}``, counting each ``[`` twice (an entry of a flow sequence
may be a one-pair mapping, ``[a: b]``) and one more for the outermost (it may be the
key of a block mapping, ``[a]: b``).
"""

from __future__ import annotations

import re

import yaml

_LINES = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_WS = " \t"
_PLAIN_END = re.compile(r":(?=[ \t]|$)|[ \t]+#")
"""Where a plain scalar ends in block context: ': ' (a key) or ' #' (a comment)."""
# YAML's white space is the space and the tab (line breaks are split off first); the
# patterns use possessive quantifiers (*+, ++), which do not backtrack.
_HARD = re.compile(r"['\"\[\]{}&*!|>%@`#?\t]|^[:,]")
"""A character that may start a quoted scalar, a flow collection, an anchor, a tag, a
block scalar, a comment or a complex key; lines without any are read the quick way."""
_ODD_BREAKS = re.compile(r"[\v\f\x1c-\x1e]")
"""Line breaks of str.splitlines that are not YAML line breaks."""
_FLOW_RUN = r"(?:[^ \t,\[\]{}?:]++|:(?=[^ \t,\[\]{}]))++"
"""Characters of a plain scalar in flow context, up to a space."""
_FLOW_PLAIN = (
    r"(?:[^ \t,\[\]{}?:#&*!|>'\"%@`-]|-(?=[^ \t,\[\]{}]))"  # its first character
    + r"(?:[^ \t,\[\]{}?:]++|:(?=[^ \t,\[\]{}]))*+"
    + r"(?:[ \t]++(?!#)"
    + _FLOW_RUN
    + r")*+"
)
_FLOW_SKIP = re.compile(r"(?:[ \t,?:]++|-(?=[ \t,\[\]{}]|$)|(?P<plain>" + _FLOW_PLAIN + r"))*+")
"""Flow content that cannot open, close or hide a collection: spaces, ',', '?', ':' and
plain scalars (which stop at brackets and may hold quotes after their first character)."""
_FLOW_GO_ON = re.compile(r"[ \t]*+(?!#)" + _FLOW_RUN + r"(?:[ \t]++(?!#)" + _FLOW_RUN + r")*+")
"""The rest of a plain scalar that goes on from the previous line in flow context."""
_SQUOTED = re.compile(r"(?:[^']++|'')*+")
_DQUOTED = re.compile(r'(?:[^"\\]++|\\.)*+')
_PROPERTY = re.compile(r"[&*][-_0-9A-Za-z]*|![!<>0-9A-Za-z\-;/?:@&=+$,_.~*'()\[\]%]*")
"""An anchor, alias or tag (the YAML scanner lets a tag contain brackets and commas)."""
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*")
_INCREMENT = re.compile(r"[1-9]")

_BLOCK, _FLOW, _SQUOTE, _DQUOTE, _LITERAL, _CONTINUED = range(6)


def depth_bound(text: str, limit: int) -> int | None:
    """The first line (1-based) at which an upper bound of the depth exceeds ``limit``.

    ``None`` when the whole text stays within it. Linear in the length of the text.
    """
    columns: list[int] = []  # columns of open block collections, increasing
    kinds: list[int] = []  # per column: bit 1 = a mapping, bit 2 = a sequence started there
    block = 0  # open block collections, at most (the bits set in ``kinds``)
    weights: list[int] = []  # open flow collections: 1 for {, 2 for [ (an entry of a
    flow = 0  # flow sequence may be a one-pair mapping, [a: b]), plus one, see below
    mode = _BLOCK
    flow_plain = False  # a plain scalar in flow context may go on on the next line
    after_quote = _BLOCK  # where a quoted scalar returns to
    threshold = 0  # indentation that continues a plain or block scalar
    literal_indent: int | None = None  # indentation of a block scalar, once known
    literal_blank = 0  # the longest blank line before it is known
    key_column = 0  # where the node before a ':' started (its anchor or tag, if any)

    def open_block(column: int, kind: int) -> bool:
        nonlocal block
        if columns and columns[-1] == column:
            old = kinds[-1]
            if not old & kind:
                kinds[-1] = old | kind
                block += 1
        else:
            columns.append(column)
            kinds.append(kind)
            block += 1
        return block + flow > limit

    text = text.removeprefix("\ufeff")
    lines = _LINES.split(text) if _ODD_BREAKS.search(text) else text.splitlines()
    for lineno, line in enumerate(lines, start=1):
        end = len(line)
        pos = 0
        node_start = True  # block context: at the start of a node (else after one)
        properties: int | None = None  # column of the current node's anchor or tag
        if mode == _BLOCK:
            pass
        elif mode == _FLOW:
            if flow_plain:
                if not line.strip(_WS):
                    continue  # blank lines fold into the plain scalar
                found = _FLOW_GO_ON.match(line)
                if found is not None:
                    pos = found.end()
                    if pos == end:
                        continue
                flow_plain = False
        elif mode == _LITERAL:
            spaces = end - len(line.lstrip(" "))
            if spaces == end:  # a blank line belongs to the scalar
                literal_blank = max(literal_blank, spaces)
                continue
            if literal_indent is None:
                literal_indent = max(threshold, literal_blank, spaces)
            if spaces >= literal_indent:
                continue
            mode = _BLOCK
        elif mode == _CONTINUED:
            spaces = end - len(line.lstrip(" "))
            if spaces == end:
                continue
            if spaces >= threshold and line[spaces] != "#" and not _marker(line):
                continue
            mode = _BLOCK
        else:  # inside a quoted scalar
            pos = _quote_end(line, 0, mode)
            if pos < 0:
                continue
            mode = after_quote
            node_start = False
        if mode == _BLOCK and node_start:
            stripped = line.lstrip(" ")
            if not stripped.strip(_WS) or stripped[0] == "#":
                continue
            if line[0] == "%" or _marker(line):
                columns.clear()
                kinds.clear()
                block = 0
                if line[0] == "%":
                    continue
                pos = 3
            else:
                pos = end - len(stripped)
                while columns and columns[-1] > pos:  # the scanner's unwind_indent
                    columns.pop()
                    block -= bin(kinds.pop()).count("1")
                if _HARD.search(stripped) is None:  # most lines: the quick way
                    while line.startswith("- ", pos) or (pos == end - 1 and line[pos] == "-"):
                        if open_block(pos, 2):
                            return lineno
                        pos += 2
                        while pos < end and line[pos] == " ":
                            pos += 1
                    if pos < end:
                        colon = line.find(": ", pos)
                        if colon < 0 and line[-1] == ":":
                            colon = end - 1
                        if colon >= 0 and open_block(pos, 1):
                            return lineno
                        if colon < 0 or line[colon + 1 :].strip(" "):
                            threshold = (columns[-1] if columns else -1) + 1
                            mode = _CONTINUED  # a plain value may go on on the next lines
                    continue
        # the rest of the line
        while pos < end:
            if mode == _FLOW:
                skipped = _FLOW_SKIP.match(line, pos)
                pos = skipped.end()  # type: ignore[union-attr]
                if pos >= end:
                    last = skipped.end("plain")  # type: ignore[union-attr]
                    flow_plain = last >= 0 and not line[last:].strip(_WS)
                    break
                ch = line[pos]
                if ch in "[{":
                    weight = 2 if ch == "[" else 1
                    weights.append(weight)
                    flow += weight
                    if block + flow > limit:
                        return lineno
                    pos += 1
                elif ch in "]}":
                    flow -= weights.pop()
                    pos += 1
                    if not weights:
                        flow = 0
                        mode = _BLOCK
                        node_start = False
                elif ch == "#":
                    break
                elif ch in "'\"":
                    mode = _SQUOTE if ch == "'" else _DQUOTE
                    after_quote = _FLOW
                    pos = _quote_end(line, pos + 1, mode)
                    if pos < 0:
                        break
                    mode = _FLOW
                elif ch in "&*!":
                    pos = _PROPERTY.match(line, pos).end()  # type: ignore[union-attr]
                else:  # a character the scanner refuses
                    pos += 1
                continue
            # block context
            ch = line[pos]
            if ch in _WS:
                pos += 1
                continue
            if ch == "#":
                break
            nxt = line[pos + 1] if pos + 1 < end else " "
            if not node_start:  # after a quoted scalar, an alias or a flow collection
                if ch == ":" and nxt in _WS:
                    if open_block(key_column, 1):
                        return lineno
                    node_start, properties = True, None
                    pos += 1
                    continue
                break  # anything else: the scanner refuses it
            if ch in "-?:" and nxt in _WS:
                column = properties if ch == ":" and properties is not None else pos
                if open_block(column, 2 if ch == "-" else 1):
                    return lineno
                properties = None
                pos += 1
            elif ch in "&!":
                if properties is None:
                    properties = pos
                pos = _PROPERTY.match(line, pos).end()  # type: ignore[union-attr]
            elif ch == "*":
                key_column = pos if properties is None else properties
                pos = _PROPERTY.match(line, pos).end()  # type: ignore[union-attr]
                node_start = False
            elif ch in "[{":
                key_column = pos if properties is None else properties
                mode = _FLOW
                flow = 1  # the collection may be the key of a mapping, {a: b}: c
                flow_plain = False
                node_start = False  # for when the collection closes on this line
            elif ch in "'\"":
                key_column = pos if properties is None else properties
                mode = _SQUOTE if ch == "'" else _DQUOTE
                after_quote = _BLOCK
                node_start = False
                pos = _quote_end(line, pos + 1, mode)
                if pos < 0:
                    break
                mode = _BLOCK
            elif ch in "|>":
                header = _BLOCK_HEADER.match(line, pos).group()  # type: ignore[union-attr]
                threshold = max((columns[-1] if columns else -1) + 1, 1)
                step = _INCREMENT.search(header)
                literal_indent = threshold + int(step.group()) - 1 if step else None
                literal_blank = 0
                mode = _LITERAL
                break
            else:  # a plain scalar: a key, or a value that may go on on the next lines
                found = _PLAIN_END.search(line, pos)
                if found is not None and found.group() == ":":
                    if open_block(pos if properties is None else properties, 1):
                        return lineno
                    properties = None
                    pos = found.end()
                    continue
                if found is None:
                    threshold = (columns[-1] if columns else -1) + 1
                    mode = _CONTINUED
                break
    return None


def _marker(line: str) -> bool:
    """A document marker (``---`` or ``...``) at the start of ``line``."""
    return line[:3] in ("---", "...") and (len(line) == 3 or line[3] in _WS)


def _quote_end(line: str, pos: int, mode: int) -> int:
    """The position after the closing quote, or -1 when the scalar goes on."""
    if mode == _SQUOTE:
        stop = _SQUOTED.match(line, pos).end()  # type: ignore[union-attr]
        return stop + 1 if stop < len(line) else -1
    stop = _DQUOTED.match(line, pos).end()  # type: ignore[union-attr]
    return stop + 1 if stop < len(line) and line[stop] == '"' else -1


def first_too_deep(text: str, limit: int) -> yaml.Event | None:
    """The first collection nested deeper than ``limit``, by PyYAML's pure-Python parser.

    ``None`` when there is none, or when the text is not valid YAML before it (the
    full read reports that).
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit:
                    return event
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None
    return None
