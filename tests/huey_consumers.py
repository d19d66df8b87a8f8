"""Real Huey consumers for the worker tests: ``manage.py run_huey`` in processes of their
own on a Redis queue this process enqueues into, killed (SIGKILL, by pid) at the end."""

import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage

REPO_ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def redis_queue(monkeypatch, prefix: str, url: str) -> Iterator[str]:
    """A fresh Redis queue for this process's Huey (no longer immediate); its name."""
    name = f"{prefix}-{uuid.uuid4().hex[:12]}"
    storage = RedisStorage(name=name, url=url)
    monkeypatch.setattr(HUEY, "_immediate", False)
    monkeypatch.setattr(HUEY, "storage", storage)
    try:
        yield name
    finally:
        storage.flush_all()


@contextmanager
def consumer_pool(
    folder: Path, settings_module: str, queue: str, **env: str
) -> Iterator[Callable[[], subprocess.Popen]]:
    """``start()`` runs one more consumer of ``queue`` on this test's database, with
    ``env`` added to its environment; its output goes to a log in ``folder``."""
    started = []
    environment = {
        **os.environ,
        "PMC_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
        "PMC_HUEY_NAME": queue,
        "PYTHONPATH": str(REPO_ROOT),
        **env,
    }

    def start() -> subprocess.Popen:
        log = open(folder / f"consumer-{len(started)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "run_huey", "--settings", settings_module],
            cwd=REPO_ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process.log_path = log.name
        started.append((process, log))
        return process

    try:
        yield start
    finally:
        for process, log in started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(10)
            log.close()


def logs_of(process: subprocess.Popen) -> str:
    return Path(process.log_path).read_text(errors="replace")
