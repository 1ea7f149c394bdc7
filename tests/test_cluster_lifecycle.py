"""Whoever starts a Dask cluster closes it: ``forcegen.sweep`` and ``forcegen.dask_cluster``
leave no worker process behind, on success, on error and on Ctrl-C."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import forcegen

VARY = ["consent=0,0.5,1", "backstop=0.2,0.8"]


def child_processes() -> set[int]:
    """Pids of this process's living children (every thread's), from /proc."""
    pids: set[int] = set()
    for children in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids.update(int(pid) for pid in children.read_text().split())
        except FileNotFoundError:
            continue  # that thread ended between the listing and the read
    return {pid for pid in pids if _alive(pid) and not _resource_tracker(pid)}


def _resource_tracker(pid: int) -> bool:
    """multiprocessing's resource tracker: one helper per Python process, started once
    and kept for the life of the process (it is not a worker of any cluster)."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def settled(before: set[int], seconds: float = 10.0) -> set[int]:
    """Children started since ``before`` still alive after at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while (left := child_processes() - before) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")


def test_a_sweep_closes_its_local_cluster(small: forcegen.Workspace) -> None:
    before = child_processes()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(len(child_processes() - before))

    result = forcegen.sweep(small, VARY, draws=2_000, seed=1, workers=2, progress=progress)
    assert len(result.rows) == 6
    assert max(seen) >= 2  # the workers were processes of this call
    assert settled(before) == set()


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_the_cluster_is_closed_on_error_and_on_ctrl_c(
    small: forcegen.Workspace, error: type[BaseException]
) -> None:
    before = child_processes()

    def progress(done: int, total: int) -> None:
        if done > 0:  # while points run: (0, points) comes before any task is submitted
            raise error("stop")

    with pytest.raises(error):
        forcegen.sweep(small, VARY, draws=2_000, seed=1, workers=2, progress=progress)
    assert settled(before) == set()


def test_dask_cluster_context_manager_closes_on_error() -> None:
    before = child_processes()
    with pytest.raises(ValueError), forcegen.dask_cluster(workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        raise ValueError("inside the block")
    assert settled(before) == set()
