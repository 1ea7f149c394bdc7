"""Chart house style: nation colours, captions (issue 12, point 9)."""

from __future__ import annotations

from forcegen import build_workspace, open_workspace
from forcegen.plots.style import FIXED, caption_text, nation_colours


def test_every_nation_of_the_built_in_data_has_its_own_colour() -> None:
    ws = open_workspace()
    colours = nation_colours(ws)
    assert set(colours) == set(ws.nations)
    assert len(set(colours.values())) == len(colours)
    # the three that shared one blue before
    assert len({colours["GBR"], colours["PRT"], colours["NOR"]}) == 3


def test_colours_are_keyed_by_nation_and_stable() -> None:
    ws = open_workspace()
    assert nation_colours(ws) == nation_colours(open_workspace())
    assert nation_colours(ws)["GBR"] == FIXED["GBR"]


def test_more_nations_than_the_palette_still_get_distinct_colours() -> None:
    import itertools
    import string

    from forcegen.model.iso import is_iso3

    codes = [
        "".join(c)
        for c in itertools.product(string.ascii_uppercase, repeat=3)
        if is_iso3("".join(c))
    ][:120]
    data = {
        "nations": [
            {"id": c, "name": c, "active_personnel": 1, "land_personnel": 1, "basis": "assumption"}
            for c in codes
        ]
    }
    colours = nation_colours(build_workspace(data))
    assert len(set(colours.values())) == 120


def test_caption_names_scenario_seed_draws_and_sources() -> None:
    text = caption_text(open_workspace(), scenario="Ceasefire only", seed=7, draws=20_000)
    assert "Scenario: Ceasefire only" in text
    assert "seed 7, 20,000 draws" in text
    assert "CIA World Factbook" in text and "cited sources" in text


def test_the_built_in_nations_colours_are_far_apart() -> None:
    """Spain and Slovenia once got two oranges a reader could not tell apart."""
    from itertools import combinations

    from forcegen.plots.style import MIN_DELTA_E, PALETTE, delta_e

    assert len(PALETTE) >= 36
    colours = list(nation_colours(open_workspace()).values())
    closest = min(delta_e(a, b) for a, b in combinations(colours, 2))
    assert closest >= MIN_DELTA_E
    assert delta_e("#F38400", "#FF7F0E") < MIN_DELTA_E  # the two oranges, now not both kept
