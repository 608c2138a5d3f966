"""The founding collection in ../shared/data beside the project (read, never copied)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

# .ci/run names the folder when it is there; those runs must read it.
REQUIRED = os.environ.get("MLQA_SHARED_DATA", "")
DATA = Path(REQUIRED) if REQUIRED else Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data. Where CI named the folder, a missing file fails
    the test; a checkout elsewhere without the folder beside it skips these tests,
    saying so in the summary (the fixtures under tests/fixtures/ cover the format)."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        if REQUIRED:
            pytest.fail(f"{path} is missing, and MLQA_SHARED_DATA says the collection is there")
        pytest.skip(f"{path} is absent: these tests read ../shared/data beside the project")
    return path
