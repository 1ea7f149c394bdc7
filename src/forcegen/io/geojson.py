"""Write a GeoJSON FeatureCollection (the ``to_geojson()`` of a result) as a file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from forcegen.io.atomic import OutputTransaction, output_transaction


def write_geojson(
    collection: Mapping[str, Any], path: str | Path, out: OutputTransaction | None = None
) -> Path:
    """Write ``collection`` as the UTF-8 GeoJSON file ``path``, atomically or staged in
    ``out``. RFC 7946 JSON has no NaN or infinity: a value that is one raises
    ``ValueError`` before anything is written."""
    text = json.dumps(collection, ensure_ascii=False, allow_nan=False) + "\n"
    with output_transaction(out) as tx:
        return tx.write(path, lambda temp: temp.write_text(text, encoding="utf-8"))
