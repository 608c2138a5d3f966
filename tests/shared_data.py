"""The founding collection in ../shared/data beside the project (read, never copied)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data; without it the test is skipped, except in CI,
    which has the folder, so a missing file there fails instead of hiding."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: these tests read ../shared/data beside the project"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path
