"""`newslink serve`: Datasette on a loopback port with newslink's metadata."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from nlp import serve

pytest.importorskip("datasette", reason="Datasette is the optional extra newslink[serve]")


# Datasette names the database after its file: the tests read /newslink/...
SAMPLE_DB_FILE = "newslink.db"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    """A Datasette child process serving the sample database; stopped after the tests."""
    meta = serve.prepare(sample_db, tmp_path_factory.mktemp("meta"))
    port = free_port()
    proc = subprocess.Popen(serve.datasette_command(sample_db, meta, port=port),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(f"{base}/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                    pytest.fail(f"datasette did not start: {output[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_metadata_names_tables_facets_search_and_labels(sample_db):
    tables = serve.metadata(sample_db)["databases"]["newslink"]["tables"]
    assert tables["claims_view"]["facets"] == ["symbol", "verdict", "kind"]
    assert {"symbol", "kind"} <= set(tables["claims"]["facets"])
    assert tables["articles"]["fts_table"] == "articles_fts"
    assert tables["quotes"]["fts_table"] == "quotes_fts"
    assert tables["articles"]["label_column"] == "title"
    assert tables["symbols"]["label_column"] == "name"
    assert all(t.get("title") for t in tables.values())


def test_command_line_binds_loopback_only(sample_db, tmp_path):
    command = serve.datasette_command(sample_db, tmp_path / "m.json", port=8123)
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8123"


def test_serve_refuses_a_missing_database(tmp_path):
    with pytest.raises(serve.ServeError, match="no such database"):
        serve.prepare(tmp_path / "none.db", tmp_path)


def test_claims_table_as_json(server):
    rows = get_json(f"{server}/newslink/claims.json?_shape=array&_size=100")
    assert len(rows) == 12
    assert {r["claim_id"] for r in rows} >= {"c1", "c3", "c13"}
    # foreign keys come back with the label of the row they point to
    labelled = get_json(f"{server}/newslink/claims.json?_labels=on&_shape=array&symbol=8035.T")
    assert {r["symbol"]["label"] for r in labelled} == {"Tokyo Electron Ltd."}
    titles = {r["article_id"]["label"] for r in labelled}
    assert "Chip stocks cool in Tokyo" in titles


def test_claims_view_facets(server):
    page = get_json(f"{server}/newslink/claims_view.json")
    facets = page["facet_results"]
    assert {"symbol", "verdict", "kind"} <= set(facets)
    verdicts = {f["value"]: f["count"] for f in facets["verdict"]["results"]}
    assert verdicts == {"supported": 9, "unverifiable": 2, "contradicted": 1}


def test_full_text_search(server):
    query = urllib.parse.urlencode({"_search": "cross-shareholdings", "_shape": "array"})
    rows = get_json(f"{server}/newslink/articles.json?{query}")
    assert [r["published"] for r in rows] == ["2024-03-01"]
    query = urllib.parse.urlencode({"_search": "Nomura", "_shape": "array"})
    assert [r["speaker"] for r in get_json(f"{server}/newslink/quotes.json?{query}")] == [
        "Yuki Tanaka"]
