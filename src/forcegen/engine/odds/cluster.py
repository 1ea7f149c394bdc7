"""The Dask cluster a sweep runs on: opened and closed by whoever asks for it.

:func:`dask_cluster` is a context manager: a client connected to a scheduler, or on a new
local cluster, closed (with the local cluster and its worker processes) when the block
ends, also on error and on Ctrl-C. A scheduler address is probed first under one timeout
(:mod:`~forcegen.engine.odds.scheduler`). While ``quiet``, Dask logs and warnings are
silenced in this process, so stderr stays empty on success.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import warnings
from collections.abc import Iterator
from typing import Any

from forcegen.engine.odds.sampling import check_workers
from forcegen.errors import ForcegenError
from forcegen.limits import SCHEDULER_TIMEOUT_SECONDS
from forcegen.sigint import HeldInterrupts


@contextlib.contextmanager
def quiet_dask(quiet: bool) -> Iterator[None]:
    """While ``quiet``: no log records or warnings from Dask, distributed and tornado in
    this process; levels and filters restored after."""
    if not quiet:
        yield
        return
    loggers = [logging.getLogger(name) for name in ("distributed", "dask", "tornado", "bokeh")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", module=r"(distributed|dask|tornado)(\.|$)")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class ClusterWorkLost(ForcegenError):
    """The Dask cluster lost work in flight (a worker died or left with tasks or the
    workspace they need, or the scheduler went away): ``detail`` is what Dask said."""

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(
            f"the Dask cluster lost work in flight ({detail}): a worker died or left, or "
            "the scheduler went away; nothing was written. Run again (with more workers: "
            "--dask-workers of montecarlo, --workers of sweep; or --serial to work in this "
            "process)"
        )


@contextlib.contextmanager
def work_on_cluster() -> Iterator[None]:
    """Around the gathering of a cluster's results: Dask's own errors for work it lost
    (a worker killed, cancelled futures, a closed connection) become
    :class:`ClusterWorkLost`; an error raised by the work itself passes unchanged."""
    try:
        yield
    except ForcegenError:
        raise
    except Exception as exc:
        from concurrent.futures import CancelledError

        from distributed import KilledWorker
        from distributed.comm.core import CommClosedError

        if isinstance(exc, KilledWorker | CancelledError | CommClosedError):
            try:
                said = str(exc).strip()
            except Exception:  # an exception whose str() fails (seen with KilledWorker)
                said = ""
            first = said.splitlines()[0] if said else "no detail"
            raise ClusterWorkLost(f"{type(exc).__name__}: {first}"[:300]) from None
        raise


def dask_installed() -> bool:
    """Whether Dask's distributed scheduler can be imported (``pip install
    'forcegen[dask]'``), without importing it."""
    from importlib.util import find_spec

    return find_spec("distributed") is not None and find_spec("dask") is not None


def cluster_threads(client: Any = None) -> int | None:
    """How many tasks the Dask cluster of ``client`` (None: this process's default
    client, the one a running :func:`dask_cluster` block opened) runs side by side [tasks]:
    its workers' threads; None when there is no client or it cannot say."""
    try:
        if client is None:
            from distributed import default_client

            client = default_client()
        threads = sum(client.nthreads().values())
    except Exception:  # no client, no Dask, a scheduler gone: the caller keeps its guess
        return None
    return threads if threads > 0 else None


def dask_client(scheduler: str | None = None, workers: int = 2, quiet: bool = True) -> Any:
    """A Dask client: connected to ``scheduler``, or on a new LocalCluster of ``workers``.

    ``quiet``: the local cluster's scheduler and workers log only critical errors
    (else as the logging configuration says).

    A ``scheduler`` address (``tcp://HOST:PORT``) is probed first: the connection and
    the Dask handshake must come within :data:`~forcegen.limits.SCHEDULER_TIMEOUT_SECONDS`
    (:func:`~forcegen.engine.odds.scheduler.probe_scheduler`), else
    :class:`~forcegen.engine.odds.scheduler.SchedulerUnreachable`; a scheduler that no
    worker joins within that timeout,
    :class:`~forcegen.engine.odds.scheduler.SchedulerWithoutWorkers`.

    Close it (``client.close()``, and ``client.cluster.close()`` for a local cluster).
    """
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise ForcegenError("sweeps on Dask need: pip install 'forcegen[dask]'") from None
    if scheduler:
        from forcegen.engine.odds.scheduler import (
            SchedulerUnreachable,
            SchedulerWithoutWorkers,
            probe_scheduler,
        )

        probe_scheduler(scheduler)
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT_SECONDS)
        except Exception as exc:  # whatever distributed raises, say so
            raise SchedulerUnreachable(
                scheduler, SCHEDULER_TIMEOUT_SECONDS, f"{type(exc).__name__}: {exc}"
            ) from None
        try:  # a scheduler no worker has joined would fail the first task with a traceback
            client.wait_for_workers(1, timeout=SCHEDULER_TIMEOUT_SECONDS)
        except Exception:
            with contextlib.suppress(Exception):
                client.close()
            raise SchedulerWithoutWorkers(scheduler, SCHEDULER_TIMEOUT_SECONDS) from None
        return client
    workers = check_workers(workers)
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        # no dashboard; its HTTP server on a free port of this machine only, so that a
        # second cluster does not warn that port 8787 is taken
        dashboard_address="127.0.0.1:0",
        scheduler_kwargs={"dashboard": False},
        silence_logs=logging.CRITICAL if quiet else False,
    )
    return Client(cluster)


def _stop_workers(client: Any) -> None:
    """Stop the worker processes of the local cluster of ``client`` at once (SIGTERM),
    their nannies told first not to restart them, so that closing the cluster does not
    wait for the tasks they are running."""
    nannies = list(getattr(getattr(client, "cluster", None), "workers", {}).values())
    for nanny in nannies:
        with contextlib.suppress(Exception):
            nanny.close_gracefully(reason="interrupted")
    for nanny in nannies:
        with contextlib.suppress(Exception):
            if nanny.pid:
                os.kill(nanny.pid, signal.SIGTERM)


@contextlib.contextmanager
def dask_cluster(
    scheduler: str | None = None, workers: int = 2, quiet: bool = True
) -> Iterator[Any]:
    """A Dask client connected to ``scheduler``, or on a new local cluster of
    ``workers`` processes, closed (with the local cluster) at the end of the block;
    ``quiet``: the local cluster logs only critical errors.

    The local workers start with SIGINT blocked (the signal mask is inherited through
    fork and exec), so that they never see a Ctrl-C. A Ctrl-C pressed while the
    cluster starts is held until it is up, then raised inside the block; on Ctrl-C the
    workers are stopped before the cluster is closed.
    """
    local = scheduler is None
    main = threading.current_thread() is threading.main_thread()
    blocked: set[int | signal.Signals] = {signal.SIGINT}
    held = HeldInterrupts()
    stack = contextlib.ExitStack()
    stack.enter_context(quiet_dask(quiet))
    with held:
        if local and main:
            from multiprocessing import resource_tracker

            # started now: starting it later would unblock SIGINT in the thread that does
            resource_tracker.ensure_running()
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            client = dask_client(scheduler, workers, quiet=quiet)
        except BaseException:
            stack.close()
            raise
        finally:
            if signal.SIGINT not in blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        if held.interrupted:
            held.deliver()
        yield client
    except KeyboardInterrupt:
        if local:
            _stop_workers(client)
        raise
    finally:
        try:
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None and local:
                cluster.close()
        finally:
            stack.close()
