"""`newslink run`: counts, idempotence, re-processing, kill-and-resume, exit codes."""

from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import SAMPLE
from test_articles import REUTERS_MEMBER, hostile_folder
from nlp.cli import app
from nlp.run import run_inputs
from nlp.store import CONTENT_TABLES, Store, content_snapshot

pytestmark = pytest.mark.model

TABLES = CONTENT_TABLES


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return content_snapshot(db)


def reuters_tar(path: Path, n: int) -> Path:
    companies = [("Apple Inc", "AAPL.O"), ("IBM", "IBM.N"), ("Exxon Mobil Corp", "XOM.N"),
                 ("Microsoft Corp", "MSFT.O"), ("Caterpillar Inc", "CAT.N")]
    with tarfile.open(path, "w:gz") as tar:
        for i in range(n):
            name, ric = companies[i % len(companies)]
            text = (REUTERS_MEMBER.replace("Apple Inc ( AAPL.O )", f"{name} ( {ric} )")
                    .replace("1.2 percent", f"{1 + i / 10:.1f} percent")
                    .replace("us-markets-stocks", f"us-markets-stocks-{i}"))
            data = text.encode()
            info = tarfile.TarInfo(f"20120911/story-{i:03d}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_run_sample_and_rerun_changes_nothing(tmp_path: Path):
    db = tmp_path / "n.db"
    first = run_inputs([SAMPLE], db, use_causal_model=False)
    assert (first.inputs, first.articles, first.new_articles, first.errors) == (1, 1, 1, 0)
    assert first.facts["claims"] >= 13 and first.facts["instruments"] >= 8
    before = snapshot(db)
    again = run_inputs([SAMPLE], db, use_causal_model=False)
    assert (again.new_articles, again.unchanged, again.reprocessed) == (0, 1, 0)
    assert snapshot(db) == before
    runs = Store(db).db.execute("SELECT count(*), min(status) FROM runs").fetchone()
    assert runs == (2, "completed")


def test_older_pipeline_version_is_reprocessed(tmp_path: Path):
    db = tmp_path / "n.db"
    run_inputs([SAMPLE], db, use_causal_model=False)
    clean = snapshot(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET pipeline_version = '0.0.0-old'")
    conn.commit()
    conn.close()
    summary = run_inputs([SAMPLE], db, use_causal_model=False)
    assert (summary.reprocessed, summary.new_articles) == (1, 0)
    assert snapshot(db) == clean


def test_hostile_folder_articles_plus_errors_equal_inputs(tmp_path: Path):
    hostile_folder(tmp_path / "in")
    summary = run_inputs([tmp_path / "in"], tmp_path / "n.db", use_causal_model=False)
    assert summary.articles + summary.errors == summary.inputs
    store = Store(tmp_path / "n.db")
    stored = store.db["articles"].count + store.db["errors"].count
    assert stored == summary.inputs == 12
    reasons = {r[0] for r in store.db.execute("SELECT stage FROM errors")}
    assert {"read", "decode", "date", "size", "parse"} <= reasons


def test_cli_exit_codes_and_summary(tmp_path: Path):
    runner = CliRunner()
    hostile_folder(tmp_path / "in")
    db = str(tmp_path / "n.db")
    ok = runner.invoke(app, ["run", str(tmp_path / "in"), "--db", db, "--no-model", "-q"])
    assert ok.exit_code == 0, ok.output
    assert "errors" in ok.output and "8" in ok.output
    strict = runner.invoke(app, ["run", str(tmp_path / "in"), "--db", db, "--no-model", "--strict"])
    assert strict.exit_code == 1
    missing = runner.invoke(app, ["run", str(tmp_path / "nope"), "--db", db])
    assert missing.exit_code == 2
    usage = runner.invoke(app, ["run", "--workers", "zero"])
    assert usage.exit_code == 2
    stats = runner.invoke(app, ["stats", "--db", db, "--json"])
    assert stats.exit_code == 0 and '"articles": 4' in stats.output


def test_killed_run_resumes_to_the_clean_database(tmp_path: Path):
    archive = reuters_tar(tmp_path / "stories.tar.gz", 40)
    clean_db, killed_db = tmp_path / "clean.db", tmp_path / "killed.db"
    run_inputs([archive], clean_db, use_causal_model=False, batch_size=2)
    cmd = [sys.executable, "-c", "from nlp.cli import main; main()", "run", str(archive),
           "--db", str(killed_db), "--batch-size", "2", "--no-model", "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=dict(os.environ, HF_HUB_OFFLINE="1"))
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        if killed_db.exists():
            try:
                conn = sqlite3.connect(killed_db, timeout=0.2)
                stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                conn.close()
            except sqlite3.OperationalError:
                stored = 0
            if stored >= 4:
                break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = snapshot(killed_db)["articles"]
    assert 4 <= len(partial) < 40, "the run must be killed mid-way"
    assert len(partial) % 2 == 0, "only whole batches are committed"
    summary = run_inputs([archive], killed_db, use_causal_model=False, batch_size=2)
    assert summary.unchanged == len(partial)
    assert snapshot(killed_db) == snapshot(clean_db)
    status = sqlite3.connect(killed_db).execute("SELECT status FROM runs ORDER BY id").fetchall()
    assert status == [("running",), ("completed",)]


def test_workers_give_the_same_database(tmp_path: Path):
    archive = reuters_tar(tmp_path / "stories.tar.gz", 6)
    run_inputs([archive], tmp_path / "one.db", use_causal_model=False)
    run_inputs([archive], tmp_path / "two.db", use_causal_model=False, workers=2, batch_size=4)
    assert snapshot(tmp_path / "one.db") == snapshot(tmp_path / "two.db")


@pytest.mark.parametrize("name, content", [
    ("story-idUS1", REUTERS_MEMBER),
    ("one.jsonl", '{"text": "NEW YORK (Reuters) - Shares of IBM ( IBM.N ) rose 1.2 percent on'
                  ' Tuesday.", "published": "2012-09-11T19:57:00-04:00", "title": "IBM"}\n'),
])
def test_extract_prints_the_public_record(tmp_path: Path, name, content):
    import json

    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    out = CliRunner().invoke(app, ["extract", str(p), "--json", "--no-model"])
    assert out.exit_code == 0, out.output
    record = json.loads(out.stdout)
    assert set(record) >= {"article", "instruments", "claims", "quotes", "causes"}
    assert record["article"]["published_time"] == "2012-09-11T19:57:00-04:00"
    assert not any(k.startswith("_") for k in record["article"])
    claim = record["claims"][0]
    assert (claim["pct"], claim["direction"], claim["period"]) == (1.2, "up", "session")
    assert claim["symbol"] in ("AAPL", "IBM")
    text = record["article"]["text"]
    assert text[claim["start"]:claim["end"]] == claim["text"]


def test_extract_of_a_broken_file_names_it(tmp_path: Path):
    p = tmp_path / "broken.txt"
    p.write_bytes(b"\x00\x01\x02" * 100)
    out = CliRunner().invoke(app, ["extract", str(p), "--no-model"])
    assert out.exit_code == 1
    assert "broken.txt" in out.output


def test_run_on_the_corpus_prints_its_claims_and_verdicts(tmp_path: Path):
    out = CliRunner().invoke(app, ["run", str(SAMPLE.parent), "--db", str(tmp_path / "c.db"),
                                   "--no-model", "-q"])
    assert out.exit_code == 0, out.output
    assert "claims and their checks" in out.output
    assert "c13" in out.output and "supported" in out.output
    assert "price rows imported" in out.output
