#!/usr/bin/env python
"""manage.py of the minimal django-helpdesk project the bench compares against (run with bench/.venv-helpdesk)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
