#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

from mlqa_site import default_settings_module


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings_module(debug_default=True))
    # Commands (migrations, imports, background jobs) may rightly run long: they
    # get the database timeouts for commands, not the short ones of web requests
    # (see MLQA_DB_TIMEOUTS in the settings). runserver serves web requests.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("MLQA_DB_TIMEOUTS", "command")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
