"""The founding collection in ../shared/data beside the project (read, never copied)."""

from pathlib import Path

import pytest
from django.conf import settings

DATA = Path(settings.BASE_DIR).parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """A file of ../shared/data. A checkout without the folder beside it (a clone
    elsewhere) skips these tests, saying so in the summary; the fixtures under
    tests/fixtures/ cover the format itself."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: these tests read ../shared/data beside the project")
    return path
