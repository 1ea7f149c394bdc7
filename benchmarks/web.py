"""``python benchmarks/run.py web``: the dashboard under a bounded load on loopback.

``forcegen serve``'s app (the built-in dataset) runs under uvicorn in a subprocess on
127.0.0.1 and a free port; ``--requests`` requests (default 2,000) from ``--clients``
concurrent clients (default 16, ``httpx.AsyncClient``) mix the explorer's what-if
(half of them, over a few condition patterns), the overview page and static files.
It reports p50/p95/p99 latency per kind and the errors (a status other than 200, or no
answer). The load's what-ifs repeat a few patterns, so all but the first of each come from
the cache; then 100 what-ifs never asked before (``whatif_new``: other condition settings
of the built-in scenarios) are asked one at a time, as one analyst exploring would, and
none of them can come from the cache.

Baseline: the same what-if computed in this process by the public API
(``forcegen.evaluate`` on the workspace with the pattern's overrides, to a JSON
document as the API encodes it), median seconds, uncached; ``ratio`` = what-if p95 over
HTTP / that median. Goal: zero errors, what-if p95 under 150 ms.

The what-if: ``POST /api/whatif`` when the app has it (web/whatif.py), else -- stated
in the output as ``whatif_endpoint`` -- the same question asked of ``GET /api/run``
with the scenario and each condition set through ``--set scenarios.ID.assume.COND=...``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from typing import Any

PATTERNS: list[tuple[str, dict[str, bool | None]]] = [
    ("ceasefire-only", {}),
    ("ceasefire-only", {"us_backstop": True}),
    ("ceasefire-only", {"russian_consent": True}),
    ("ceasefire-us-backstop", {}),
    ("ceasefire-us-backstop", {"ceasefire": False}),
    ("un-mandate", {}),
    ("un-mandate", {"russian_consent": False}),
    ("no-ceasefire", {"ceasefire": True}),
]
"""(scenario, conditions set) of the what-ifs asked: the explorer's toggles."""

CONDITIONS = ("ceasefire", "russian_consent", "us_backstop", "unsc_mandate")
"""The built-in dataset's conditions, each set true, false or left to the scenario."""

SCENARIOS = (
    "no-ceasefire",
    "ceasefire-only",
    "ceasefire-us-backstop",
    "ceasefire-consent-backstop",
    "un-mandate",
)


def new_questions() -> list[tuple[str, dict[str, bool | None]]]:
    """Every distinct what-if the explorer can ask of the built-in scenarios without an
    override (5 scenarios x 3^4 condition settings = 405), in a fixed shuffled order: none
    of them is asked twice, so none is answered from the cache."""
    import itertools
    import random

    out = []
    for scenario in SCENARIOS:
        for states in itertools.product((None, True, False), repeat=len(CONDITIONS)):
            out.append(
                (scenario, {c: v for c, v in zip(CONDITIONS, states, strict=True) if v is not None})
            )
    random.Random(0).shuffle(out)
    return out


PAGES = [
    "/",
    "/static/app.js",
    "/static/style.css",
    "/static/vendor/vega-6.4.0.min.js",
    "/static/vendor/vega-lite-6.5.0.min.js",
]
"""The overview page and static files the browser loads with it."""

SERVER = (
    "import uvicorn; from forcegen.web import create_app; "
    "uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning', "
    "server_header=False)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _overrides(scenario: str, conditions: dict[str, bool | None]) -> list[str]:
    return [
        f"scenarios.{scenario}.assume.{c}={'null' if v is None else str(v).lower()}"
        for c, v in conditions.items()
    ]


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def at(q: float) -> float:  # nearest rank
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))] * 1000

    return {"count": len(values), "p50_ms": at(0.5), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def baseline_seconds(repeat: int) -> float:
    """Median seconds of one what-if computed in this process by the public API (the
    workspace with the pattern's overrides loaded once, as the server caches it)."""
    import forcegen

    times = []
    for k in range(max(repeat, len(PATTERNS))):
        scenario, conditions = PATTERNS[k % len(PATTERNS)]
        ws = forcegen.open_workspace(
            None, forcegen.parse_overrides(_overrides(scenario, conditions))
        )
        start = time.perf_counter()
        result = forcegen.evaluate(ws, scenario)
        forcegen.dumps_json({scenario: forcegen.json_document(result.to_json(), ws)})
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def _load(base: str, requests: int, clients: int, new: int) -> dict[str, Any]:
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=60) as probe:
        has_whatif = "/api/whatif" in (await probe.get("/api/openapi.json")).json()["paths"]
    fresh = new_questions()[len(PATTERNS) :][:new]  # asked once each, after the load below
    plan: list[tuple[str, int]] = []
    for i in range(requests):  # half what-ifs (a few patterns, asked again and again), half pages
        if i % 2 == 0:
            plan.append(("whatif", (i // 2) % len(PATTERNS)))
        else:
            plan.append(("page" if (i // 2) % 2 == 0 else "static", i // 2))
    latencies: dict[str, list[float]] = {"whatif": [], "page": [], "static": [], "whatif_new": []}
    errors: dict[str, int] = {"whatif": 0, "page": 0, "static": 0, "whatif_new": 0}
    queue: asyncio.Queue[tuple[str, int]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    async def one(client: httpx.AsyncClient, kind: str, k: int) -> int:
        if kind in ("whatif", "whatif_new"):
            scenario, conditions = PATTERNS[k] if kind == "whatif" else fresh[k]
            if has_whatif:
                body = {"scenario": scenario, "conditions": conditions}
                return (await client.post("/api/whatif", json=body)).status_code
            params = [("scenario", scenario)] + [
                ("set", o) for o in _overrides(scenario, conditions)
            ]
            return (await client.get("/api/run", params=params)).status_code
        if kind == "page":
            return (await client.get("/")).status_code
        return (await client.get(PAGES[1 + k % (len(PAGES) - 1)])).status_code

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            while not queue.empty():
                kind, k = queue.get_nowait()
                start = time.perf_counter()
                try:
                    status = await one(client, kind, k)
                except httpx.HTTPError:
                    status = 0
                latencies[kind].append(time.perf_counter() - start)
                if status != 200:
                    errors[kind] += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    wall = time.perf_counter() - start
    # one analyst exploring: new questions (never asked before), one at a time
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for k in range(len(fresh)):
            begin = time.perf_counter()
            try:
                status = await one(client, "whatif_new", k)
            except httpx.HTTPError:
                status = 0
            latencies["whatif_new"].append(time.perf_counter() - begin)
            if status != 200:
                errors["whatif_new"] += 1
    out: dict[str, Any] = {
        "whatif_endpoint": "POST /api/whatif" if has_whatif else "GET /api/run (stand-in)",
        "requests": requests,
        "clients": clients,
        "wall_seconds": wall,
        "requests_per_second": requests / wall,
        "errors": sum(errors.values()),
    }
    for kind, values in latencies.items():
        for name, value in _percentiles(values).items():
            out[f"{kind}_{name}"] = value
        out[f"{kind}_errors"] = errors[kind]
    return out


def bench_web(
    repeat: int, requests: int = 2_000, clients: int = 16, new: int = 100
) -> dict[str, Any]:
    """The load above, then ``new`` what-ifs never asked before, one at a time (an analyst
    exploring: every answer computed, none from the cache); ``seconds`` = what-if p95 of
    the load [s], ``baseline_seconds`` = the in-process median [s]."""
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(port=port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:  # until the app has loaded the workspace and listens
            try:
                if httpx.get(base + "/api/workspace", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                err = server.stderr.read().decode() if server.stderr else ""
                raise RuntimeError(f"the server did not start: {err}")
            time.sleep(0.2)
        result = asyncio.run(_load(base, requests, clients, new))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result["baseline_seconds"] = baseline_seconds(repeat)
    result["seconds"] = result["whatif_p95_ms"] / 1000
    result["cache_hits"] = (
        "what-ifs of the load: all but the first of each of the "
        f"{len(PATTERNS)} patterns; whatif_new: none"
    )
    result["goal_met"] = result["errors"] == 0 and result["whatif_p95_ms"] < 150
    result["goal_met_new"] = result["whatif_new_errors"] == 0 and result["whatif_new_p95_ms"] < 150
    return result
