"""The small real-format source tree under tests/data/mini, and how to build from it.

Shared by the importer tests (tests/test_import.py, tests/test_roo.py); the `bron` fixture
(a writable copy of the tree) is in conftest.py.
"""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

MINI = Path(__file__).parent / "data" / "mini"
SHARED = (Path(settings.BASE_DIR) / "../shared/data").resolve()


def ruwe_bron(pad=""):
    """`SHARED / pad`, the raw public sources a test of the real dataset reads; a clear
    failure (never a skip) when they are not there, as a missing browser is with
    REQUIRE_BROWSER: without them such a test cannot say whether the dataset is right."""
    doel = SHARED / pad
    if not doel.exists():
        pytest.fail(
            f"{doel}: the raw sources are missing (../shared/data next to the checkout, "
            "see its SOURCES.md files)"
        )
    return doel


def kopie(doel):
    """A writable copy of the mini source tree at `doel` (its curation tables in curation/)."""
    shutil.copytree(MINI, doel)
    return doel


def build(source, output):
    out = StringIO()
    call_command(
        "build_dataset",
        source=str(source),
        output=str(output),
        curation=str(Path(source) / "curation"),
        stdout=out,
    )
    return out.getvalue()
