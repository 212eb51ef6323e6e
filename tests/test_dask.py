"""``newslink run --dask`` (issue 13): a 2-worker LocalCluster gives exactly the database of a local
run, re-running changes nothing, shards round-trip, and the CLI's ``--dask`` takes an optional address."""

from __future__ import annotations

import shutil
import tarfile

import pytest

from conftest import REUTERS, ROOT, need
from nlp.cli import dask_argument
from nlp.distributed import read_shard, write_shard
from nlp.store import ErrorRow, content_snapshot

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'newslink[dask]'")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The sample with its prices, 10 Reuters articles and a file that is no article."""
    folder = tmp_path_factory.mktemp("dask-inputs")
    shutil.copytree(ROOT / "corpus", folder / "corpus")
    n = 0
    with tarfile.open(need(REUTERS), "r|gz") as src:
        for info in src:
            if info.isfile() and n < 10:
                (folder / "corpus" / f"reuters-{n}.txt").write_bytes(src.extractfile(info).read())
                n += 1
            if n >= 10:
                break
    (folder / "corpus" / "broken.txt").write_bytes(b"\x00\x01 not an article")
    return folder / "corpus"


@pytest.mark.slow
def test_a_local_cluster_gives_the_database_of_a_local_run(inputs, tmp_path):
    from nlp.run import run_inputs

    local = run_inputs([inputs], tmp_path / "local.db", use_causal_model=False)
    dask = run_inputs([inputs], tmp_path / "dask.db", use_causal_model=False, dask="local", workers=2)
    assert (dask.articles, dask.errors, dask.facts) == (local.articles, local.errors, local.facts)
    assert local.articles == 11 and local.errors == 1
    assert content_snapshot(tmp_path / "dask.db") == content_snapshot(tmp_path / "local.db")
    again = run_inputs([inputs], tmp_path / "dask.db", use_causal_model=False, dask="local", workers=2)
    assert again.unchanged == 11 and again.new_articles == 0
    assert content_snapshot(tmp_path / "dask.db") == content_snapshot(tmp_path / "local.db")


def test_a_shard_keeps_records_and_error_rows_in_order(tmp_path):
    outcomes = [{"article": {"id": "a"}, "claims": [{"pct": 1.5}]},
                ErrorRow("x.txt", "extract", "too slow", member="m", line=3),
                {"article": {"id": "b"}, "claims": []}]
    write_shard(outcomes, tmp_path / "s.db")
    assert read_shard(tmp_path / "s.db") == outcomes


def test_dask_option_takes_an_optional_address():
    assert dask_argument(["run", "corpus/", "--dask"]) == ["run", "corpus/", "--dask=local"]
    assert dask_argument(["run", "--dask", "corpus/"]) == ["run", "--dask=local", "corpus/"]
    assert dask_argument(["run", "--dask", "tcp://10.0.0.5:8786", "a/"]) == [
        "run", "--dask", "tcp://10.0.0.5:8786", "a/"]
    assert dask_argument(["run", "a/", "--dask", "scheduler:8786"])[-1] == "scheduler:8786"


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from nlp import distributed
    from nlp.distributed import DaskError
    from nlp.run import run_inputs

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT", 2.0)
    with pytest.raises(DaskError, match="cannot reach the Dask scheduler tcp://127.0.0.1:1"):
        run_inputs([ROOT / "corpus"], tmp_path / "x.db", dask="tcp://127.0.0.1:1")
    assert not (tmp_path / "x.db").exists()  # no run was started
