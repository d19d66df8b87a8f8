"""The live site for a benchmark: a throwaway PostgreSQL database, the production
settings' environment, gunicorn and Huey processes, and JSON calls over loopback.

Every process is started in a process group of its own, so stopping it also stops what
it forked (gunicorn's workers); every wait has a deadline.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MANAGE = [sys.executable, str(ROOT / "example_site" / "manage.py")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql(admin_url: str, sql: str) -> None:
    subprocess.run(
        ["psql", admin_url, "-q", "-c", sql], check=True, capture_output=True, timeout=60
    )


@contextmanager
def throwaway_database(admin_url: str, name: str) -> Iterator[str]:
    """``name`` created empty beside ``admin_url``'s database and dropped after; its URL."""
    psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    psql(admin_url, f"CREATE DATABASE {name}")
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        psql(admin_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def production_env(database_url: str, redis_url: str, huey_name: str, **extra: str) -> dict:
    """The environment ``example_site.settings.production`` reads, for loopback only."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "example_site.settings.production",
        "DJANGO_SECRET_KEY": "benchmark-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "60",
        "REDIS_URL": redis_url,
        "HUEY_NAME": huey_name,
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "API_RATE_LIMIT_PUBLIC": "1000000/minute",
        "API_RATE_LIMIT_KEY": "1000000/minute",
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def start(command: list[str], env: dict, log: Path | None = None) -> subprocess.Popen:
    """``command`` in a new process group, its output in ``log`` (else inherited)."""
    output = open(log, "wb") if log is not None else None  # noqa: SIM115
    try:
        return subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT if log else None,
            start_new_session=True,
        )
    finally:
        if output is not None:
            output.close()  # the child holds its own copy


def gunicorn(
    port: int, env: dict, workers: int = 2, log: Path | None = None, threads: int = 1
) -> subprocess.Popen:
    return start(
        [
            str(VENV_BIN / "gunicorn"),
            "example_site.wsgi",
            f"--workers={workers}",
            f"--threads={threads}",
            f"--bind=127.0.0.1:{port}",
            "--timeout=60",
            "--graceful-timeout=5",
            "--log-level=warning",
        ],
        env,
        log,
    )


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """SIGTERM to the process's group, SIGKILL if it is still there after ``grace``."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)
    except ProcessLookupError:
        pass


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    """Poll ``url`` until it answers; SystemExit if the process dies or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {seconds:.0f} s")


def request(
    url: str, body: object = None, headers: dict | None = None, timeout: float = 30.0
) -> tuple[float, int, bytes]:
    """``(milliseconds, status, body)`` of a GET (or a JSON POST when ``body`` is given);
    a connection that fails or times out counts as status 599."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    req.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            payload, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        payload, status = error.read(), error.code
    except OSError as error:
        payload, status = str(error).encode(), 599
    return (time.perf_counter() - started) * 1000, status, payload
