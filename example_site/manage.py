#!/usr/bin/env python
"""Manage the example site: ``python example_site/manage.py runserver``."""

import os
import sys
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example_site.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
