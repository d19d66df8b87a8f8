"""`python -m build` ships the templates, static files, locale and migrations."""

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

REQUIRED = [
    "wagtail_pmc_booking/__init__.py",
    "wagtail_pmc_booking/migrations/0001_initial.py",
    "wagtail_pmc_booking/migrations/0002_booking_no_overlap.py",
    "wagtail_pmc_booking/scheduling/slots.py",
    "wagtail_pmc_booking/management/commands/pmc_booking_demo.py",
]


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    return out


def shipped_assets():
    package = ROOT / "wagtail_pmc_booking"
    return [
        str(path.relative_to(ROOT))
        for folder in ("templates", "static", "locale")
        for path in (package / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]


def test_wheel_contains_code_migrations_templates_and_static(dist):
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in REQUIRED + shipped_assets() if name not in names]
    assert missing == []
    assert not any(name.startswith(("tests/", "example_site/")) for name in names)


def test_sdist_contains_the_same_files(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    missing = [name for name in REQUIRED + shipped_assets() if name not in names]
    assert missing == []
