"""Shared fixtures: paths to ../shared, small databases, the real pipeline (session-scoped)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "nikkei-2024-03-01.txt"
GOLD = SHARED / "gold" / "nikkei-2024-03-01.json"
REUTERS = SHARED / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"
SAMPLE = ROOT / "corpus" / "nikkei-2024-03-01.txt"


def need(path: Path) -> Path:
    """Skip the calling test with a clear reason when shared data is absent."""
    if not path.exists():
        pytest.skip(f"shared data not available: {path} (tests read ../shared from the repo root)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.db"


@pytest.fixture(scope="module")
def sample_db(request, tmp_path_factory) -> Path:
    """The sample database of tests/query_sample.py, built once per test module.

    The file is ``sample.db`` unless the module sets ``SAMPLE_DB_FILE`` (Datasette names the
    database after its file). Skips when the shared seed article is absent.
    """
    from query_sample import build_sample_db

    need(SEED)
    name = getattr(request.module, "SAMPLE_DB_FILE", "sample.db")
    return build_sample_db(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]) / name)


@pytest.fixture(scope="session")
def pipeline():
    """The real newslink pipeline (English model + components), loaded once."""
    from nlp.pipeline import shared_pipeline

    return shared_pipeline(True)


@pytest.fixture(scope="session")
def gold() -> dict:
    import json

    return json.loads(need(GOLD).read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=["fallback", "master"])
def master(request):
    """For market checks: no master (suffix fallbacks), then the instrument master."""
    if request.param == "fallback":
        return None
    instruments = pytest.importorskip("nlp.instruments")
    return instruments.InstrumentMaster.load()
