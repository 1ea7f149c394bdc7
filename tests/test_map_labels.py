"""Issue 12, point 9: the deployment map's place names do not overlap (they piled up
around Rzeszow and Przemysl)."""

from __future__ import annotations

import itertools

import pytest

import forcegen

pytest.importorskip("matplotlib")

from forcegen.plots.deployment import (
    _extent,
    _inside,
    _overlap,
    _text_box,
    map_figure,
)


def labels(scenario: str | None) -> tuple[list[tuple[str, tuple[float, ...]]], object]:
    result = forcegen.deploy(forcegen.load_builtin(), scenario)
    fig, ax = map_figure(result)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in ax.texts if t.get_gid() == "node-label"]
    boxes = [(t.get_text(), _text_box(t, renderer)) for t in texts]
    import matplotlib.pyplot as plt

    plt.close(fig)
    return boxes, result


@pytest.mark.parametrize("scenario", ["ceasefire-only", None])
def test_no_two_place_names_overlap_on_the_builtin_map(scenario: str | None) -> None:
    boxes, result = labels(scenario)
    network = result.network  # type: ignore[attr-defined]
    box = _extent(network)
    shown = sorted(n.name for n in network.nodes if _inside(n, *box))
    assert sorted(name for name, _ in boxes) == shown  # every node on the map is named
    assert {"Przemysl rail yard", "Rzeszow staging area", "Rzeszow-Jasionka Airport"} <= set(shown)
    clashes = [
        (a, b)
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if _overlap(box_a, box_b)
    ]
    assert clashes == []


def test_label_placement_is_deterministic() -> None:
    first, _ = labels("ceasefire-only")
    second, _ = labels("ceasefire-only")
    assert first == second
