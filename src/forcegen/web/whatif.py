"""``POST /api/whatif``: the scenario explorer's question. A scenario (or none) with some
conditions set or freed and ``--set`` overrides applied -> the force, the fills and the
vetoes, as one scenario's entry of ``forcegen run --json``."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["what-if"])
