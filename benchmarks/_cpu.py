"""How many of the machine's cores a measured run kept busy, read from ``/proc/stat``.

It tells a CPU-bound run from one waiting on locks or the network: one client that keeps
1.0 core busy while the machine has 2 can at best be doubled by more clients. All
processes count (server, database, clients), which is the point: they share the cores.
``scaling_ceiling`` measures how far more processes can go on this machine at all.
"""

import multiprocessing
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAT = "/proc/stat"


def _ticks() -> tuple[int, int] | None:
    """(busy, total) jiffies of all cores since boot; None where there is no /proc."""
    try:
        with open(STAT) as stat:
            fields = [int(value) for value in stat.readline().split()[1:8]]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq = fields
    return user + nice + system + irq + softirq, sum(fields)


class Busy:
    """The cores a run kept busy on average (``cores``), once its block has ended."""

    cores: float | None = None

    def __str__(self) -> str:
        if self.cores is None:
            return "n/a"
        return f"{self.cores:.2f}/{os.cpu_count()}"


@contextmanager
def cores_busy() -> Iterator[Busy]:
    busy = Busy()
    before = _ticks()
    yield busy
    after = _ticks()
    if before is not None and after is not None and after[1] > before[1]:
        share = (after[0] - before[0]) / (after[1] - before[1])
        busy.cores = share * (os.cpu_count() or 1)


def _spin(_: int) -> float:
    """A fixed amount of pure-Python work; its seconds."""
    started = time.perf_counter()
    total = 0
    for i in range(2_000_000):
        total += i * i % 7
    return time.perf_counter() - started


def scaling_ceiling(processes: int, jobs_per_process: int = 4) -> float:
    """How much faster ``processes`` processes do pure CPU work than one, here and now:
    the most any number of clients can multiply one client's throughput by on this
    machine (below the core count when the cores are shared or throttled)."""
    context = multiprocessing.get_context("fork")
    rates = []
    for count in (1, processes):
        jobs = count * jobs_per_process
        with context.Pool(count) as pool:
            started = time.perf_counter()
            pool.map(_spin, range(jobs))
            rates.append(jobs / (time.perf_counter() - started))
    return rates[1] / rates[0]
