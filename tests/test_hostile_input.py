"""Hostile and surprising input is refused cleanly: a located message, never a crash.

Issue #10: nesting deeper than the limit, ids that are lists, figures beyond any real
force, YAML 1.1 conversions, invisible characters, and very large workspaces.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

import forcegen
from forcegen.errors import WorkspaceError
from forcegen.io import yaml_source
from forcegen.io.datasets import builtin_path
from forcegen.io.yaml_depth import depth_bound, first_too_deep
from forcegen.limits import MAX_FILE_BYTES, MAX_RECORDS, MAX_YAML_DEPTH
from forcegen.model.checks import MAX_SUGGESTIONS
from forcegen.model.network_checks import reach_masks, reachable
from helpers.cli import invoke
from helpers.data import SMALL
from helpers.workspaces import issues_of, only

Write = Callable[..., Path]


def exact_depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return deepest


# -- D1: nesting is bounded before any parser's own limit -----------------------------


def test_depth_check_runs_before_the_yaml_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoParser:
        def __init__(self, text: str) -> None:
            raise AssertionError("the parser ran before the depth check")

    monkeypatch.setattr(yaml_source, "_Loader", NoParser)
    for opener, closer in (("[", "]"), ("{a: ", "}"), ("[a: ", "]")):
        text = "nations: " + opener * 30_000 + "1" + closer * 30_000 + "\n"
        doc = yaml_source.read_yaml(text, "deep.yaml")
        assert [i.message for i in doc.issues] == ["lists and mappings nested more than 64 deep"]
        assert doc.issues[0].line == 1 and doc.issues[0].file == "deep.yaml"


def test_block_nesting_is_refused_at_the_line_that_goes_too_deep(write_yaml: Write) -> None:
    text = "".join(" " * n + f"k{n}:\n" for n in range(MAX_YAML_DEPTH + 10)) + " " * 80 + "x\n"
    issue = only(write_yaml(text))
    assert "nested more than 64 deep" in issue.message
    assert issue.line == MAX_YAML_DEPTH + 1


def test_nesting_up_to_the_limit_is_read(write_yaml: Write) -> None:
    for opener, closer in (("[", "]"), ("{a: ", "}")):
        text = "nations: " + opener * (MAX_YAML_DEPTH - 1) + "1" + closer * (MAX_YAML_DEPTH - 1)
        issues = issues_of(write_yaml(text + "\n"))  # read, then refused by the schema
        assert not any("nested" in i.message for i in issues)


def test_a_bound_over_the_limit_is_confirmed_before_refusing() -> None:
    # 40 nested flow sequences: the quick bound counts each '[' twice (a flow entry may be
    # a one-pair mapping), so it is over 64; the exact count is 41 and the text is read
    text = "x: " + "[" * 40 + "1" + "]" * 40 + "\n"
    assert depth_bound(text, MAX_YAML_DEPTH) == 1
    assert first_too_deep(text, MAX_YAML_DEPTH) is None
    assert yaml_source.read_yaml(text, "f.yaml").issues == []


def test_depth_bound_is_close_on_the_builtin_dataset() -> None:
    # within 2 levels of the truth, far from the limit: real files never need the exact,
    # slower count
    for file in sorted(builtin_path("mnf-ukraine").glob("*.yaml")):
        text = file.read_text(encoding="utf-8")
        depth = exact_depth(text)
        assert depth_bound(text, depth + 2) is None, file.name
        assert depth_bound(text, depth - 1) is not None, file.name


# fmt: off
_WORDS = st.sampled_from(
    ["a", "b c", "[x", "]", "}", "{", "it's", '"q"', "'s'", "# no", "a: b", "- x", "|", ">",
     "&a", "*b", "!t", "x\ny", "  lead", "a #b", "[[[", "]]]", "'", '"', "\\", "\t", "?", ":",
     "-", "", "%", "@x", "---", "...", "ü\u2028"]
)
# fmt: on
_DATA = st.recursive(
    _WORDS | st.integers() | st.none() | st.booleans(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_WORDS, inner, max_size=4),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(
    _DATA,
    st.sampled_from([None, False, True]),
    st.sampled_from([None, "'", '"']),
    st.sampled_from([2, 4]),
    st.sampled_from([20, 80]),
)
def test_depth_bound_never_underestimates(
    data: Any, flow: bool | None, quote: str | None, indent: int, width: int
) -> None:
    text = yaml.dump(data, default_flow_style=flow, default_style=quote, indent=indent, width=width)
    depth = exact_depth(text)
    assert depth == 0 or depth_bound(text, depth - 1) is not None


# fmt: off
_PARTS = st.sampled_from(
    ["- ", "? ", ": ", "k: ", "key:", "[", "]", "{", "}", ", ", "'a'", "'it''s ]'",
     '"x\\"]"', "a'b", " #c]", "|", "|2", ">-", "&a ", "*a", "!!str ", "!t[ ", "x:y",
     "\n", "\n  ", "\n    ", "- - ", "[a: [b: c]]", "'a\n ]'", "[a\n'b]", "{a: [b]}",
     "|\n  x\n   - y\n", "k: a\n  [b\n", "---\n"]
)
# fmt: on


@settings(max_examples=500, deadline=None)
@given(st.lists(_PARTS, max_size=40))
def test_depth_bound_never_underestimates_odd_layouts(parts: list[str]) -> None:
    text = "".join(parts)
    try:
        depth = exact_depth(text)
    except yaml.YAMLError:
        return  # not YAML: the full read reports it
    assert depth == 0 or depth_bound(text, depth - 1) is not None


# -- D2: ids and references that are not text ----------------------------------------


def validate_cli(path: Path) -> Result:
    return invoke("validate", str(path))


def test_a_condition_id_that_is_a_list_is_refused_not_a_crash(write_yaml: Write) -> None:
    path = write_yaml(
        """
        conditions:
          - id: [a]
            description: A ceasefire.
            probability: 0.5
        """
    )
    result = validate_cli(path)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[1:] == [
        f"{path}:2: conditions[0].id: id must be text; found a list ['a']; expected text"
    ]


def test_a_capability_id_that_is_a_list_with_lift_and_a_network_is_refused(
    write_yaml: Write,
) -> None:
    path = write_yaml(
        """
        capabilities:
          - id: [x]
            name: X
            domain: land
            personnel: 10
            lift: {short_tons: 5}
        nations:
          - {id: GBR, name: UK, active_personnel: 10, land_personnel: 5}
        pledges:
          - {id: p, nation: GBR, capability: [x], quantity: 1}
        network:
          nodes:
            - {id: a, name: A, kind: origin, lat: 1, lon: 1}
        """
    )
    result = validate_cli(path)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"{path}:2: capabilities[0].id: id must be text; found a list" in result.stderr
    assert f"{path}:10: pledges[0].capability: capability must be text" in result.stderr


def _rich_workspace() -> dict[str, Any]:
    """tests/data/small.yaml plus headquarters, lift, substitutes, commitments and a
    network with every part: data in which every kind of field occurs."""
    data: dict[str, Any] = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["capabilities"][0]["lift"] = {"short_tons": 500, "vehicles": 80}
    data["capabilities"][1]["substitutes"] = [{"capability": "bde", "ratio": 0.1}]
    data["nations"][0]["commitments"] = [{"name": "Estonia", "personnel": 900}]
    data["nations"][0]["statements"] = [
        {"date": "2025-03-02", "stance": "troops", "summary": "Yes.", "sources": ["u"]}
    ]
    data["headquarters"] = [{"id": "hq", "name": "HQ", "location": "Paris", "lead": "FRA"}]
    data["requirements"][0]["lines"][0]["needed_by_day"] = 30
    data["network"] = {
        "nodes": [
            {"id": "o", "name": "O", "kind": "origin", "lat": 51.0, "lon": 0.0},
            {"id": "d", "name": "D", "kind": "destination", "lat": 50.0, "lon": 24.0,
             "handling": {"pax_per_day": 500}, "dwell_days": 1},
        ],
        "legs": [
            {"id": "o-d", "from": "o", "to": "d", "mode": "air", "transit_days": 1,
             "capacity": {"pax_per_day": 400, "short_tons_per_day": 100}},
        ],
        "origins": {n: ["o"] for n in ("GBR", "FRA", "DEU", "EST")},
        "zones": {"west": "d", "east": "d", "poland": "d"},
        "default_zone": "west",
        "disruptions": [{"id": "x", "target": "o-d", "probability": 0.1, "days": 3}],
        "line_of_contact": {"points": [{"lat": 50, "lon": 37}, {"lat": 47, "lon": 37}]},
    }  # fmt: skip
    return data


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*path, index))


def _replaced(data: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _replaced(data[path[0]], path[1:], new)
    return copy


def _rekeyed(data: Any, path: tuple[Any, ...], key: Any) -> Any:
    """``data`` with the last key of ``path`` (a mapping key) replaced by ``key``."""
    if len(path) == 1:
        return {(key if k == path[0] else k): v for k, v in data.items()}
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = _rekeyed(data[path[0]], path[1:], key)
    return copy


ODD_VALUES = (["x"], {"k": ["v"]}, 7, -1, 10**30, 1e308, None, True, "zz", "", "2025-W18")


def test_no_value_anywhere_can_crash_validation() -> None:
    data = _rich_workspace()
    forcegen.build_workspace(data)  # valid as it is
    paths = [p for p in _paths(data) if p]
    assert len(paths) > 250
    for path in paths:
        for odd in ODD_VALUES:
            try:
                forcegen.build_workspace(_replaced(data, path, odd))
            except WorkspaceError as exc:
                assert all(isinstance(i.message, str) and i.path for i in exc.issues)
        if isinstance(path[-1], str):
            for key in (1, None, True, "zz"):
                with contextlib.suppress(WorkspaceError):
                    forcegen.build_workspace(_rekeyed(data, path, key))


# -- D3: figures are bounded, with the bound and its reason in the message ------------


def test_figures_over_their_limits_are_refused_with_the_bound_and_why(write_yaml: Write) -> None:
    path = write_yaml(
        """
        capabilities:
          - {id: bde, name: Brigade, domain: land, personnel: 5000,
             lift: {short_tons: 2.0e+6, vehicles: 1000000}}
        nations:
          - id: GBR
            name: UK
            active_personnel: 99999999999999999999
            land_personnel: 5
            tour_months: 601
            rotation_ratio: 101
        pledges:
          - {id: p1, nation: GBR, capability: bde, quantity: 1.0e+308}
          - {id: p2, nation: GBR, capability: bde, quantity: 1, personnel: 9223372036854775808}
          - {id: p3, nation: GBR, capability: bde, quantity: 1, readiness_days: 3651}
        requirements:
          - {id: r, name: R, personnel: 10000001,
             lines: [{capability: bde, quantity: 100001, needed_by_day: 4000, priority: 101}]}
        headquarters:
          - {id: hq, name: HQ, location: X, lead: GBR, from_month: 601}
        network:
          nodes:
            - {id: a, name: A, kind: origin, lat: 1, lon: 1, dwell_days: 3651,
               handling: {pax_per_day: 1.0e+10}}
            - {id: b, name: B, kind: destination, lat: 1, lon: 2}
          legs:
            - {id: ab, from: a, to: b, mode: air, transit_days: 3651,
               capacity: {pax_per_day: 1, short_tons_per_day: 2.0e+9}}
          disruptions:
            - {id: d, target: ab, probability: 0.5, days: 3651, latest_day: 3651}
          horizon_days: 3651
        """
    )
    found = {(i.path, i.line): i.message for i in issues_of(path)}
    why = {
        "units": "100,000 units: no coalition fields more; it keeps unit counts exact",
        "persons": "10,000,000 persons: five times the largest armed force in the world",
        "days": "3,650 days: ten years;",
        "months": "600 months: fifty years;",
        "per day": "1,000,000,000 per day: a thousand times the largest port",
    }
    expected = {
        (("capabilities", 0, "lift", "short_tons"), 3): "2,000,000 is over the limit of "
        "1,000,000 short tons per unit",
        (("capabilities", 0, "lift", "vehicles"), 3): "1,000,000 is over the limit of "
        "100,000 vehicles per unit",
        (("nations", 0, "active_personnel"), 7): "a 20-digit number is over the limit of "
        + why["persons"],
        (("nations", 0, "tour_months"), 9): "601 is over the limit of " + why["months"],
        (("nations", 0, "rotation_ratio"), 10): "101 is over the limit of 100 persons in the "
        "cycle per person deployed: harmony guidelines give 3 to 10",
        (("pledges", 0, "quantity"), 12): "1e+308 is over the limit of " + why["units"],
        (("pledges", 1, "personnel"), 13): "a 19-digit number is over the limit of "
        + why["persons"],
        (("pledges", 2, "readiness_days"), 14): "3,651 is over the limit of " + why["days"],
        (("requirements", 0, "personnel"), 16): "10,000,001 is over the limit of " + why["persons"],
        (("requirements", 0, "lines", 0, "quantity"), 17): "100,001 is over the limit of "
        + why["units"],
        (("requirements", 0, "lines", 0, "needed_by_day"), 17): "4,000 is over the limit of "
        + why["days"],
        (("requirements", 0, "lines", 0, "priority"), 17): "101 is over the limit of 100 (the "
        "lowest priority): each distinct priority is one more stage of the sourcing optimiser",
        (("headquarters", 0, "from_month"), 19): "601 is over the limit of " + why["months"],
        (("network", "nodes", 0, "dwell_days"), 22): "3,651 is over the limit of " + why["days"],
        (("network", "nodes", 0, "handling", "pax_per_day"), 23): "10,000,000,000 is over the "
        "limit of " + why["per day"],
        (("network", "legs", 0, "transit_days"), 26): "3,651 is over the limit of " + why["days"],
        (("network", "legs", 0, "capacity", "short_tons_per_day"), 27): "2,000,000,000 is over "
        "the limit of " + why["per day"],
        (("network", "disruptions", 0, "days"), 29): "3,651 is over the limit of " + why["days"],
        (("network", "disruptions", 0, "latest_day"), 29): "3,651 is over the limit of "
        + why["days"],
        (("network", "horizon_days"), 30): "3,651 is over the limit of " + why["days"],
    }
    assert set(found) == set(expected)
    for key, start in expected.items():
        assert found[key].startswith(start), (key, found[key])


def test_derived_pledge_personnel_is_bounded_at_the_pledge(write_yaml: Write) -> None:
    path = write_yaml(
        """
        capabilities:
          - {id: bde, name: Brigade, domain: land, personnel: 5000}
        nations:
          - {id: GBR, name: UK, active_personnel: 10, land_personnel: 5}
        pledges:
          - {id: ok, nation: GBR, capability: bde, quantity: 2000}
          - id: big
            nation: GBR
            capability: bde
            quantity: 2001
          - {id: given, nation: GBR, capability: bde, quantity: 2001, personnel: 900}
        """
    )
    issue = only(path)
    assert issue.path == ("pledges", 1) and issue.line == 7
    assert issue.message == (
        "its personnel, quantity x personnel per unit of 'bde' = 2,001 x 5,000 = 10,005,000 "
        "is over the limit of 10,000,000 persons: five times the largest armed force in the "
        "world; every total stays exact"
    )
    assert issue.expected == "at most 10,000,000 persons per pledge"


def test_a_nations_commitments_are_bounded_in_all(write_yaml: Write) -> None:
    path = write_yaml(
        """
        nations:
          - id: GBR
            name: UK
            active_personnel: 10
            land_personnel: 5
            commitments:
              - {name: A, personnel: 6000000}
              - {name: B, personnel: 4000001}
        """
    )
    issue = only(path)
    assert issue.path == ("nations", 0, "commitments") and issue.line == 6
    assert issue.message.startswith(
        "the commitments add up to more than any one figure may: 10,000,001 is over the limit"
        " of 10,000,000 persons"
    )


def test_figures_at_their_limits_are_accepted(write_yaml: Write) -> None:
    path = write_yaml(
        """
        capabilities:
          - {id: one, name: One, domain: land, personnel: 100, basis: assumption,
             lift: {short_tons: 1000000, vehicles: 100000}}
        nations:
          - {id: GBR, name: UK, active_personnel: 10000000, land_personnel: 10000000,
             tour_months: 600, rotation_ratio: 100, basis: assumption,
             commitments: [{name: A, personnel: 10000000, basis: assumption}]}
        pledges:
          - {id: p, nation: GBR, capability: one, quantity: 100000, readiness_days: 3650,
             basis: assumption}
        """
    )
    ws = forcegen.load_workspace(path)
    assert ws.pledge_personnel("p") == 10_000_000


# -- D11: strict scalars, not YAML 1.1 conversions ------------------------------------

STRICT_BASE = """
conditions:
  - {id: ceasefire, description: C, probability: 0.5, basis: assumption}
capabilities:
  - {id: bde, name: Brigade, domain: land, personnel: 5000, basis: assumption}
nations:
  - {id: GBR, name: UK, active_personnel: 100, land_personnel: 50, basis: assumption}
"""


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("011610", "personnel must be a whole number, not text",
         "leading zeros are not allowed: write 11610"),
        ("007", "personnel must be a whole number, not text",
         "leading zeros are not allowed: write 7"),
        ("1:00", "personnel must be a whole number, not text",
         "base-60 numbers such as 1:30 are not read: write 60"),
        ("0x1F", "personnel must be a whole number, not text",
         "hexadecimal numbers are not read: write 31 in decimal"),
        ("0o17", "personnel must be a whole number, not text",
         "octal numbers are not read: write 15 in decimal"),
        ("0b101", "personnel must be a whole number, not text",
         "binary numbers are not read: write 5 in decimal"),
        ("1_000", "personnel must be a whole number, not text",
         "underscores are not allowed in numbers: write 1000"),
        (".inf", "personnel must be a whole number, not text",
         "infinity and not-a-number are not numbers here: write a finite number"),
        ("'300'", "personnel must be a whole number, not text", None),
    ],
)  # fmt: skip
def test_yaml11_numbers_are_text_and_refused_with_a_hint(
    write_yaml: Write, written: str, message: str, hint: str | None
) -> None:
    text = STRICT_BASE + "pledges:\n  - id: p\n    nation: GBR\n    capability: bde\n"
    text += f"    quantity: 1\n    personnel: {written}\n    basis: assumption\n"
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "personnel") and issue.line == 12
    assert issue.message == message and issue.hint == hint
    assert issue.found == repr(written.strip("'"))


@pytest.mark.parametrize("written", ["yes", "no", "on", "Off", "y", "True", "FALSE"])
def test_yaml11_booleans_are_text_and_refused_with_a_hint(write_yaml: Write, written: str) -> None:
    text = (
        STRICT_BASE + f"scenarios:\n  - id: s\n    name: S\n    assume: {{ceasefire: {written}}}\n"
    )
    issue = only(write_yaml(text))
    assert issue.path == ("scenarios", 0, "assume", "ceasefire") and issue.line == 10
    assert issue.message == "ceasefire must be true or false, not text"
    assert issue.hint == f"'{written}' is text here: write true or false"


@pytest.mark.parametrize(
    ("written", "value"),
    [("35e-2", 0.35), ("0.35", 0.35), (".35", 0.35), ("3.5E-1", 0.35), ("0", 0.0), ("1", 1.0)],
)
def test_decimal_and_exponent_numbers_are_numbers(
    write_yaml: Write, written: str, value: float
) -> None:
    ws = forcegen.load_workspace(write_yaml(STRICT_BASE.replace("0.5,", f"{written},")))
    assert ws.conditions["ceasefire"].probability == value


def test_negative_exponent_numbers_are_numbers_and_checked(write_yaml: Write) -> None:
    text = STRICT_BASE + "pledges:\n  - {id: p, nation: GBR, capability: bde, quantity: -2.5E+3}\n"
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "quantity") and issue.line == 8
    assert issue.found == "-2500.0" and issue.expected == "greater than 0"


def test_only_lower_case_true_false_and_null_are_special(write_yaml: Write) -> None:
    text = STRICT_BASE + (
        "zones:\n"
        "  - {id: a, name: A, front_line: true, country: null}\n"
        "  - {id: b, name: B, front_line: false, country: ~}\n"
        "  - {id: c, name: C, country: }\n"
        "  - {id: d, name: NULL, description: Null}\n"
    )
    ws = forcegen.load_workspace(write_yaml(text))
    assert [z.front_line for z in ws.zones.values()] == [True, False, False, False]
    assert [z.country for z in ws.zones.values()] == [None, None, None, None]
    assert (ws.zones["d"].name, ws.zones["d"].description) == ("NULL", "Null")


@pytest.mark.parametrize(
    "written", ["2025-W18", "2025-W18-1", "2025-123", '"20250102"', "2025-1-5", "2025-02-30"]
)
def test_only_calendar_dates_yyyy_mm_dd_are_dates(write_yaml: Write, written: str) -> None:
    text = STRICT_BASE + "pledges:\n  - {id: p, nation: GBR, capability: bde, quantity: 1,\n"
    text += f"     date: {written}}}\n"
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "date") and issue.line == 9
    shown = written.strip('"')
    assert issue.message == f"'{shown}' is not a calendar date"
    assert issue.expected == "YYYY-MM-DD"


def test_text_that_looks_like_a_number_stays_text_in_text_fields(write_yaml: Write) -> None:
    text = STRICT_BASE + "zones:\n  - {id: '007', name: 011610, description: 1:00}\n"
    zone = forcegen.load_workspace(write_yaml(text)).zones["007"]
    assert (zone.name, zone.description) == ("011610", "1:00")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!python/object/apply:os.system [echo]",
         "unsupported YAML tag '!!python/object/apply:os.system'"),
        ("!!binary aGVsbG8=", "unsupported YAML tag '!!binary'"),
        ("!!timestamp 2025-01-01", "unsupported YAML tag '!!timestamp'"),
        ("!!set {a: null}", "unsupported YAML tag '!!set'"),
        ("!local x", "unsupported YAML tag '!local'"),
        ("!!int 0x1F", "'0x1F' is not a decimal integer"),
        ("!!bool yes", "'yes' is not true or false"),
        ("!!float .inf", "'.inf' is not a decimal number"),
    ],
)  # fmt: skip
def test_unknown_tags_and_values_that_do_not_fit_their_tag_are_refused(
    write_yaml: Write, value: str, message: str
) -> None:
    issue = only(write_yaml(f"zones:\n  - id: z\n    name: {value}\n"))
    assert (issue.line, issue.message) == (3, message)


# -- D14: invisible and non-ASCII characters in ids and expressions --------------------

INVISIBLE_BASE = """
conditions:
  - {id: ceasefire, description: C, probability: 0.5, basis: assumption}
  - {id: us_backstop, description: U, probability: 0.5, basis: assumption}
capabilities:
  - {id: bde, name: Brigade, domain: land, personnel: 5000, basis: assumption}
nations:
  - {id: GBR, name: UK, active_personnel: 100, land_personnel: 50, basis: assumption}
pledges:
  - id: p
    nation: GBR
    capability: bde
    quantity: 1
"""


def test_an_invisible_character_inside_an_expression_id_is_named_at_its_column(
    write_yaml: Write,
) -> None:
    text = INVISIBLE_BASE + '    requires: "cease\\u200bfire and us_backstop"\n'
    issue = only(write_yaml(text))
    assert issue.path == ("pledges", 0, "requires") and issue.line == 13
    assert issue.column == 6
    assert issue.message == (
        "bad condition expression 'cease\\u200bfire and us_backstop': "
        "unexpected character U+200B ZERO WIDTH SPACE"
    )
    assert issue.expected == "ASCII letters, digits and _ in condition ids"


@pytest.mark.parametrize(
    ("space", "name"),
    [("\\u00a0", "U+00A0 NO-BREAK SPACE"), ("\\u2003", "U+2003 EM SPACE"),
     ("\\u3000", "U+3000 IDEOGRAPHIC SPACE")],
)  # fmt: skip
def test_non_ascii_spaces_do_not_separate_words_in_expressions(
    write_yaml: Write, space: str, name: str
) -> None:
    text = INVISIBLE_BASE + f'    requires: "ceasefire{space}and us_backstop"\n'
    issue = only(write_yaml(text))
    assert issue.column == 10 and issue.line == 13
    assert issue.message.endswith(f": unexpected character {name}")
    assert issue.expected == "an ASCII space between words"


def test_ascii_white_space_separates_words_in_expressions(write_yaml: Write) -> None:
    text = INVISIBLE_BASE + '    requires: "ceasefire\\tand\\r\\nus_backstop"\n'
    ws = forcegen.load_workspace(write_yaml(text))
    assert ws.requires["p"].conditions == {"ceasefire", "us_backstop"}


def test_record_ids_name_the_character_and_position_not_allowed(write_yaml: Write) -> None:
    text = (
        INVISIBLE_BASE.replace("id: bde,", 'id: "gbr\\u200bbrigade",')
        .replace("id: GBR,", 'id: "GB\\u00a0R",')
        .replace("id: us_backstop,", 'id: "us_backst\\u043ep",')  # a Cyrillic o
        .replace("capability: bde", "capability: x")
    )
    issues = {i.path: i for i in issues_of(write_yaml(text))}
    assert issues[("capabilities", 0, "id")].message == (
        "character U+200B ZERO WIDTH SPACE at position 4 is not allowed in an id"
    )
    assert issues[("capabilities", 0, "id")].line == 5
    assert issues[("nations", 0, "id")].message == (
        "character U+00A0 NO-BREAK SPACE at position 3 is not allowed in an id"
    )
    assert issues[("nations", 0, "id")].expected == (
        "an ISO 3166-1 alpha-3 code in capitals, e.g. GBR"
    )
    assert issues[("conditions", 1, "id")].message == (
        "character U+043E CYRILLIC SMALL LETTER O at position 10 is not allowed in an id"
    )
    # the unknown reference shows the invisible character escaped
    assert issues[("pledges", 0, "nation")].message == "unknown nation 'GBR'"
    assert "'GB\\xa0R'" in (issues[("pledges", 0, "nation")].expected or "")


def test_ids_longer_than_the_limit_are_refused_with_the_limit(write_yaml: Write) -> None:
    text = INVISIBLE_BASE.replace("id: bde,", f"id: {'b' * 65},").replace("bde", "b" * 65)
    issue = next(i for i in issues_of(write_yaml(text)) if i.path == ("capabilities", 0, "id"))
    assert issue.message == (
        "the id is 65 characters long: 65 is over the limit of 64 characters: ids are names, "
        "not data"
    )


# -- D8: validation is linear in the records ------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), max_size=40),
    st.lists(st.lists(st.integers(0, 12), min_size=1, max_size=3), max_size=6),
)
def test_reachability_bit_sets_match_a_search_per_origin(
    edges: list[tuple[int, int]], groups: list[list[int]]
) -> None:
    adjacent: dict[str, list[str]] = {}
    for a, b in edges:
        adjacent.setdefault(f"n{a}", []).append(f"n{b}")
    starts = {bit: [f"n{n}" for n in group] for bit, group in enumerate(groups)}
    masks = reach_masks(adjacent, starts)
    for bit, group in starts.items():
        seen = reachable(adjacent, group)
        for node in {f"n{n}" for n in range(13)}:
            assert bool(masks.get(node, 0) >> bit & 1) == (node in seen)


def test_unknown_references_get_hints_within_a_budget() -> None:
    data = {
        "zones": [{"id": f"zone{i}", "name": "Z"} for i in range(1_000)],
        "nations": [{"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 1}],
        "capabilities": [{"id": "c", "name": "C", "domain": "land", "personnel": 1}],
        "pledges": [
            {"id": f"p{i}", "nation": "GBR", "capability": "c", "quantity": 1,
             "zones": [f"zone{i}x"]}
            for i in range(MAX_SUGGESTIONS + 50)
        ],
    }  # fmt: skip
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace(data)
    issues = info.value.issues
    assert len(issues) == MAX_SUGGESTIONS + 50
    assert sum(i.hint is not None for i in issues) == MAX_SUGGESTIONS
    assert issues[0].hint == "did you mean 'zone0'?"
    assert issues[0].expected == (
        "the id of a zone in the workspace (zone0, zone1, zone10, zone100, zone101, zone102, "
        "zone103, zone104, zone105, zone106, zone107, zone108, ...)"
    )


def test_unknown_conditions_get_hints_within_a_budget() -> None:
    data = {
        "conditions": [{"id": "ceasefire", "description": "C", "probability": 0.5}],
        "nations": [{"id": "GBR", "name": "UK", "active_personnel": 1, "land_personnel": 1}],
        "capabilities": [{"id": "c", "name": "C", "domain": "land", "personnel": 1}],
        "pledges": [
            {"id": f"p{i}", "nation": "GBR", "capability": "c", "quantity": 1,
             "requires": "cesefire"}
            for i in range(MAX_SUGGESTIONS + 50)
        ],
    }  # fmt: skip
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace(data)
    messages = [i.message for i in info.value.issues]
    assert len(messages) == MAX_SUGGESTIONS + 50
    assert sum("did you mean 'ceasefire'" in m for m in messages) == MAX_SUGGESTIONS


# -- the event reader: anchors, merge keys, duplicates, documents ---------------------


def test_merge_keys_work_and_are_not_duplicates(write_yaml: Write) -> None:
    text = STRICT_BASE + (
        "zones:\n"
        "  - &west {id: west, name: !!str 011610, front_line: !!bool true}\n"
        "  - {<<: *west, id: east}\n"
        "  - {id: north, <<: [*west, {name: other, description: D}]}\n"
        "  - {id: eq, name: =, description: <<}\n"
    )
    ws = forcegen.load_workspace(write_yaml(text))
    assert ws.zones["east"].name == "011610" and ws.zones["east"].front_line is True
    assert (ws.zones["north"].name, ws.zones["north"].description) == ("011610", "D")
    assert (ws.zones["eq"].name, ws.zones["eq"].description) == ("=", "<<")


def test_a_key_given_twice_beside_a_merge_is_still_a_duplicate(write_yaml: Write) -> None:
    text = STRICT_BASE + (
        "zones:\n  - &west {id: west, name: W}\n  - {<<: *west, id: east, id: south}\n"
    )
    issue = only(write_yaml(text))
    assert issue.path == ("zones", 1, "id") and issue.line == 9
    assert issue.message == "duplicate key 'id' (first on line 9)"


def test_keys_equal_as_values_are_duplicates() -> None:
    doc = yaml_source.read_yaml("a:\n  1: x\n  1.0: y\n  true: z\n", "f.yaml")
    assert [(i.message, i.line) for i in doc.issues] == [
        ("duplicate key '1.0' (first on line 2)", 3),
        ("duplicate key 'True' (first on line 2)", 4),
    ]


def test_a_recursive_alias_is_refused_cleanly(write_yaml: Write) -> None:
    text = STRICT_BASE + "zones:\n  - &z {id: z, name: Z, description: *z}\n"
    issue = only(write_yaml(text))
    assert issue.path == ("zones", 0, "description") and issue.line == 8
    assert issue.message == "description must be text"


def test_an_alias_bomb_costs_one_object_per_alias(write_yaml: Write) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 30):  # 10**30 leaves if it were expanded
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 10) + "]")
    doc = yaml_source.read_yaml("\n".join(lines) + "\n", "bomb.yaml")
    assert doc.issues == [] and doc.data["a29"][0] is doc.data["a28"]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("zones: []\n---\nzones: []\n",
         "a workspace file holds one YAML document; found another ('---')", 2),
        ("zones: []\n? [a, b]\n: c\n", "a key is a list", 2),
        ("zones: []\n{a: 1}: c\n", "a key is a mapping", 2),
        ("zones: *nowhere\n", "found undefined alias 'nowhere'", 1),
        ("zones: {<<: 5}\n", "a merge key (<<) must name a mapping or a list of mappings", 1),
    ],
)  # fmt: skip
def test_yaml_the_reader_refuses_is_located(
    write_yaml: Write, text: str, message: str, line: int
) -> None:
    issue = only(write_yaml(text))
    assert (issue.message, issue.line) == (message, line)


def test_lines_are_located_through_anchors_merges_and_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(STRICT_BASE.lstrip("\n"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        "# more\npledges:\n  - {id: p1, nation: GBR, capability: bde, quantity: 1}\n"
        "  - id: p2\n    nation: GBR\n    capability: bde\n    quantity: -1\n",
        encoding="utf-8",
    )
    (tmp_path / "c.yaml").write_text(
        "pledges:\n  - {id: p3, nation: FRA, capability: bde, quantity: 1}\n", encoding="utf-8"
    )
    issues = {i.path: i for i in issues_of(tmp_path)}
    assert {p: (Path(i.file or "").name, i.line) for p, i in issues.items()} == {
        ("pledges", 1, "quantity"): ("b.yaml", 7),
        ("pledges", 2, "nation"): ("c.yaml", 2),
    }


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as stream:  # sparse: no disk used, and never read
        stream.truncate(MAX_FILE_BYTES + 1)
    result = validate_cli(big)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines()[1] == (
        f"{big}: (top level): the file is too big to read: 67,108,865 is over the limit of "
        "67,108,864 bytes per workspace file: a workspace of 100,000 pledges is about 15 MB; "
        "bigger files are refused unread; expected at most 67,108,864 bytes per workspace "
        "file (split the workspace into a folder of files)"
    )


def test_a_stream_without_end_is_read_at_most_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a device or pipe reports size 0: reading stops one byte past the limit
    from forcegen.io import loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 1_000)
    endless = tmp_path / "endless.yaml"
    endless.write_text("# x\n" * 1_000, encoding="utf-8")
    monkeypatch.setattr(Path, "stat", lambda self: type("S", (), {"st_size": 0})())
    text, problem = loader._read_text(endless)
    assert text == "" and problem is not None
    assert problem.message.startswith("the file is too big to read: more than 1,000 is over")


def test_a_section_over_the_record_limit_is_refused_before_validation() -> None:
    data = {"pledges": [{"id": "x"}] * (MAX_RECORDS + 1), "zones": [{"id": 1}]}
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace(data)
    issues = info.value.issues
    assert [i.path for i in issues] == [("pledges",), ("zones", 0, "id"), ("zones", 0, "name")]
    assert issues[0].message == (
        "pledges has 100,001 records: 100,001 is over the limit of 100,000 records per section: "
        "validation is linear in the records (about 11 s and 0.4 GB at this size on a 2-core "
        "machine)"
    )


def test_network_parts_over_the_record_limit_are_refused() -> None:
    node = {"id": "a", "name": "A", "kind": "origin", "lat": 0, "lon": 0}
    data = {
        "zones": [{"id": "z", "name": "Z"}],
        "network": {"nodes": [node] * (MAX_RECORDS + 1), "legs": [], "zones": {}},
    }
    with pytest.raises(WorkspaceError) as info:
        forcegen.build_workspace(data)
    assert [i.path for i in info.value.issues] == [("network", "nodes")]


def test_validate_prints_each_warning_whole_on_its_own_line(write_yaml: Write) -> None:
    zones = "".join(f"  - {{id: z{i}, name: Z, country: GBR}}\n" for i in range(3))
    text = (
        STRICT_BASE
        + "pledges:\n"
        + "".join(
            f"  - {{id: p{i}, nation: GBR, capability: bde, quantity: {i + 1}}}\n" for i in range(3)
        )
    )
    path = write_yaml(text + "zones:\n" + zones)
    result = validate_cli(path)
    assert result.exit_code == 0
    warnings = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {path}:{8 + i}: pledges[{i}].quantity: figure of 'p{i}' has no source and "
        "is not labelled an assumption; expected a source covering it, basis: assumption, or "
        "an assumptions entry"
        for i in range(3)
    ]


def _passes_order(depends: dict[str, list[str]]) -> list[str]:
    """The order condition_order had: passes over the input until all are placed."""
    done: list[str] = []
    placed: set[str] = set()
    pending = list(depends)
    while pending:
        rest = []
        for cid in pending:
            if all(d in placed for d in depends[cid]):
                done.append(cid)
                placed.add(cid)
            else:
                rest.append(cid)
        pending = rest
    return done


@settings(max_examples=200, deadline=None)
@given(st.permutations(range(8)), st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7))))
def test_condition_order_is_the_order_of_repeated_passes(
    layout: list[int], edges: list[tuple[int, int]]
) -> None:
    # given rules only from a lower to a higher rank: no cycles
    depends: dict[str, list[str]] = {f"c{n}": [] for n in layout}
    for a, b in edges:
        if a < b and f"c{a}" not in depends[f"c{b}"]:
            depends[f"c{b}"].append(f"c{a}")
    conditions = [
        {"id": cid, "description": "D",
         "probability": {"given": dict.fromkeys(given, True), "p": 0.5, "otherwise": 0.5}}
        if given else {"id": cid, "description": "D", "probability": 0.5}
        for cid, given in depends.items()
    ]  # fmt: skip
    ws = forcegen.build_workspace({"conditions": conditions})
    assert list(ws.condition_order) == _passes_order(depends)


def test_condition_order_of_a_long_chain_written_last_first() -> None:
    n = 20_000  # the old passes took n * n / 2 steps
    conditions = [
        {"id": f"c{i}", "description": "D",
         "probability": {"given": {f"c{i - 1}": True}, "p": 0.5, "otherwise": 0.5}}
        if i else {"id": "c0", "description": "D", "probability": 0.5}
        for i in reversed(range(n))
    ]  # fmt: skip
    ws = forcegen.build_workspace({"conditions": conditions})
    assert ws.condition_order == tuple(f"c{i}" for i in range(n))


def test_odd_keys_are_shown_escaped_and_clipped_in_messages(write_yaml: Write) -> None:
    text = STRICT_BASE + f'zones:\n  - {{id: z, name: Z, "nam\\u200be": 1, {"k" * 100}: 2}}\n'
    issues = issues_of(write_yaml(text))
    assert {(i.message, i.render().split(": ")[1]) for i in issues} == {
        ("unknown field 'nam\\u200be'", "zones[0].nam\\u200be"),
        (f"unknown field '{'k' * 57}...'", f"zones[0].{'k' * 57}..."),
    }
