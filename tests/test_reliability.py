"""Hostile input never stops a run: time budgets, long articles in pieces, failures per article.

The fuzz test runs 1,000 generated hostile files (``tests/fuzz_corpus.py``) through
``newslink run`` and accounts for every one of them.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from typer.testing import CliRunner

from conftest import SAMPLE
from fuzz_corpus import long_article, write_fuzz_corpus
from nlp.budget import ArticleTimeout, Deadline
from nlp.cli import app
from nlp.components.sentences import HARD_LIMIT, bound_sentences
from nlp.pipeline import extract_article, split_text
from nlp.run import extract_batch, extract_one, run_inputs
from nlp.store import ErrorRow
from nlp.types import Article

ARTICLE = Article(id="a1", source="a.txt", text="Shares of IBM rose 2 percent on Tuesday.",
                  published="2013-01-15", published_time="2013-01-15T16:30:00-05:00",
                  timezone="America/New_York")


@Language.component("newslink_test_sleeper")
def _sleeper(doc: Doc) -> Doc:
    if "SLOW" in doc.text:
        time.sleep(5)
    return doc


@pytest.fixture(scope="module")
def sleepy_pipeline() -> Language:
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe("newslink_test_sleeper")
    return pipeline


@pytest.fixture(scope="module")
def rules_pipeline() -> Language:
    from nlp.pipeline import shared_pipeline

    return shared_pipeline(False)


# -- time budget ------------------------------------------------------------------------------


def test_deadline_raises_in_the_named_stage():
    with pytest.raises(ArticleTimeout, match=r"took longer than 0.2 s in parser"):
        with Deadline(0.2, stage="parser"):
            time.sleep(2)
    with Deadline(None) as free:  # no budget: nothing armed
        time.sleep(0.01)
    assert not free.armed


def test_a_slow_article_becomes_an_error_row_and_the_batch_goes_on(sleepy_pipeline):
    slow = Article(id="slow", source="slow.txt", text="SLOW text.", published="2013-01-15")
    started = time.monotonic()
    records, errors = extract_batch(sleepy_pipeline, [ARTICLE, slow, ARTICLE], timeout=0.5)
    assert time.monotonic() - started < 4
    assert [r["article"]["id"] for r in records] == ["a1", "a1"]
    assert len(errors) == 1
    assert errors[0].source == "slow.txt" and errors[0].stage == "extract"
    assert errors[0].reason == "took longer than 0.5 s in newslink_test_sleeper"


def test_cli_article_timeout_turns_every_article_into_an_error_row(tmp_path: Path):
    db = tmp_path / "n.db"
    result = CliRunner().invoke(app, ["run", str(SAMPLE), "--db", str(db), "--no-model", "-q",
                                      "--article-timeout", "0.0001"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (0,)
    (reason,), = conn.execute("SELECT reason FROM errors WHERE stage = 'extract'").fetchall()
    assert reason.startswith("took longer than 0.0001 s in ")


def test_an_exception_in_one_article_is_its_error_row():
    class Broken:
        pipeline = [("newslink_claims", lambda doc: 1 / 0)]

        def make_doc(self, text):
            return spacy.blank("en").make_doc(text)

    outcome = extract_one(Broken(), ARTICLE)
    assert isinstance(outcome, ErrorRow)
    assert outcome.stage == "extract" and outcome.reason.startswith("ZeroDivisionError")


# -- batches ------------------------------------------------------------------------------------


@Language.component("newslink_test_picky")
def _picky(doc: Doc) -> Doc:
    if "BAD" in doc.text:
        raise ValueError("cannot read BAD")
    return doc


@Language.component("newslink_test_marker")
def _marker(doc: Doc) -> Doc:
    doc.user_data["marked"] = True
    return doc


def stand_in(shared: str, after: str = "newslink_test_marker") -> Language:
    """A blank pipeline whose shared stage is ``shared`` (under the model's name "parser")."""
    pipeline = spacy.blank("en")
    pipeline.add_pipe("sentencizer")
    pipeline.add_pipe(shared, name="parser")
    pipeline.add_pipe(after)
    return pipeline


def test_batched_extraction_gives_the_records_of_one_article_at_a_time(rules_pipeline):
    from nlp.articles import read_inputs
    from nlp.workers import extract_many

    articles = [ARTICLE, *(a for a in read_inputs([SAMPLE]) if isinstance(a, Article)),
                Article(id="a2", source="b.txt", text="Apple Inc ( AAPL.O ) fell 3.1 percent after its"
                        " results, analysts said.", published="2013-01-15")]
    one_by_one = [extract_one(rules_pipeline, a) for a in articles]
    assert extract_many(rules_pipeline, articles) == one_by_one
    assert any(r["claims"] for r in one_by_one) and any(r["quotes"] for r in one_by_one)


def test_a_batch_whose_shared_stage_fails_is_extracted_article_by_article():
    from nlp.pipeline import shared_stage
    from nlp.workers import extract_many

    pipeline = stand_in("newslink_test_picky")
    assert shared_stage(pipeline) == 2  # sentencizer and "parser"; the marker runs on each alone
    bad = Article(id="bad", source="bad.txt", text="A BAD text.", published="2013-01-15")
    outcomes = extract_many(pipeline, [ARTICLE, bad, ARTICLE])
    assert [o["article"]["id"] for o in (outcomes[0], outcomes[2])] == ["a1", "a1"]
    assert isinstance(outcomes[1], ErrorRow) and outcomes[1].source == "bad.txt"
    assert outcomes[1].reason == "ValueError: cannot read BAD"


def test_a_slow_article_in_a_batch_costs_only_itself():
    from nlp.workers import extract_many

    pipeline = stand_in("newslink_test_sleeper")
    slow = Article(id="slow", source="slow.txt", text="SLOW text.", published="2013-01-15")
    started = time.monotonic()
    outcomes = extract_many(pipeline, [ARTICLE, slow, ARTICLE], timeout=0.5)
    assert time.monotonic() - started < 4  # the batch's budget, then the slow one's own
    assert isinstance(outcomes[1], ErrorRow) and outcomes[1].reason == "took longer than 0.5 s in parser"
    assert [o["article"]["id"] for o in (outcomes[0], outcomes[2])] == ["a1", "a1"]


def test_a_batch_keeps_input_order_around_long_and_too_long_articles(rules_pipeline):
    from nlp.pipeline import extract_articles
    from nlp.workers import extract_many

    long = Article(id="long", source="long.txt", published="2013-01-15",
                   text="Shares of IBM rose 2 percent on Tuesday. " * 30)
    huge = Article(id="huge", source="huge.txt", text="x " * 3000, published="2013-01-15")
    outcomes = extract_many(rules_pipeline, [long, ARTICLE, huge, ARTICLE], max_chars=5000)
    assert [o["article"]["id"] if isinstance(o, dict) else o.stage for o in outcomes] == [
        "long", "a1", "size", "a1"]
    # an article longer than a piece is extracted alone, in pieces, in its place
    in_pieces = extract_articles([ARTICLE, long, ARTICLE], rules_pipeline, piece_chars=300)
    assert in_pieces[1] == extract_article(long, rules_pipeline, piece_chars=300)
    assert len(in_pieces[1]["claims"]) == 30
    assert in_pieces[0] == in_pieces[2] == extract_article(ARTICLE, rules_pipeline)


# -- length -------------------------------------------------------------------------------------


def test_split_text_cuts_at_paragraphs_then_sentences_then_spaces():
    text = "First paragraph here.\n\nSecond one is longer. It has two sentences.\n\nThird."
    pieces = split_text(text, 40)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(b - a <= 40 for a, b in pieces)
    assert text[pieces[0][0]:pieces[0][1]] == "First paragraph here.\n\n"
    assert split_text("x" * 95, 40) == [(0, 40), (40, 80), (80, 95)]  # no break at all: hard cuts
    assert split_text("short", 40) == [(0, 5)]


def test_a_long_article_in_pieces_keeps_offsets_into_the_whole_text(rules_pipeline):
    paragraphs = [f"Shares of IBM ( IBM.N ) rose {i + 1}.5 percent on Tuesday as investors cheered"
                  f" the results, while Apple Inc ( AAPL.O ) fell {i}.2 percent." for i in range(6)]
    text = "\n\n".join(paragraphs)
    article = Article(id="long", source="long.txt", text=text, published="2013-01-15",
                      published_time="2013-01-15T16:30:00-05:00", timezone="America/New_York")
    whole = extract_article(article, rules_pipeline)
    pieces = extract_article(article, rules_pipeline, piece_chars=300)
    assert len(split_text(text, 300)) > 2
    for kind in ("instruments", "claims", "quotes"):
        for fact in pieces[kind]:
            assert text[fact["start"]:fact["end"]] == fact["text"]
    for link in pieces["causes"]:
        for part in ("cause", "effect"):
            assert text[link[part]["start"]:link[part]["end"]] == link[part]["text"]
    assert [c["id"] for c in pieces["claims"]] == [f"c{i}" for i in range(1, len(pieces["claims"]) + 1)]
    ids = {c["id"] for c in pieces["claims"]}
    assert all(set(link["claim_ids"]) <= ids for link in pieces["causes"])
    # paragraphs that stand alone give the same facts, whole or in pieces
    key = lambda c: (c["start"], c["end"], c["symbol"], c["pct"], c["direction"])  # noqa: E731
    assert sorted(map(key, pieces["claims"])) == sorted(map(key, whole["claims"]))
    assert len(pieces["claims"]) == 12


def test_an_article_past_the_hard_cap_is_an_error_row_too_long():
    outcome = extract_one(None, ARTICLE, max_chars=10)
    assert isinstance(outcome, ErrorRow) and outcome.stage == "size"
    assert outcome.reason == f"too long: {len(ARTICLE.text)} characters (the limit is 10)"


def test_sentences_are_bounded_before_the_parser():
    vocab = spacy.blank("en").vocab
    words = (["word"] * 9 + [","]) * 60  # 600 tokens, a comma every 10, no stop
    doc = bound_sentences(Doc(vocab, words=words))
    starts = [t.i for t in doc if t.is_sent_start]
    runs = [b - a for a, b in zip([0, *starts], [*starts, len(doc)])]
    assert max(runs) <= HARD_LIMIT
    assert all(doc[i - 1].text == "," for i in starts)  # cut after clause punctuation
    ordinary = bound_sentences(Doc(vocab, words=["Stocks", "rose", ".", "Bonds", "fell", "."]))
    assert not any(t.is_sent_start for t in ordinary[1:])  # left to the parser
    no_commas = bound_sentences(Doc(vocab, words=["x"] * 400))
    assert [t.i for t in no_commas[1:] if t.is_sent_start] == [HARD_LIMIT, 2 * HARD_LIMIT]


def test_a_text_without_stops_parses_into_bounded_sentences(rules_pipeline):
    text = "Shares of Apple rose 2 percent as investors cheered the results and the Nasdaq gained, " * 60
    article = Article(id="nostop", source="n.txt", text=text, published="2013-01-15")
    doc = rules_pipeline(rules_pipeline.make_doc(text))
    assert max(len(s) for s in doc.sents) <= HARD_LIMIT
    record = extract_article(article, rules_pipeline)
    assert len(record["claims"]) >= 50


# -- check and store failures --------------------------------------------------------------------


def test_a_failing_check_or_store_costs_only_that_article(tmp_path: Path, monkeypatch):
    import nlp.run as run_module
    from nlp.store import Store

    archive = tmp_path / "in"
    archive.mkdir()
    for i in range(4):
        (archive / f"s{i}.txt").write_text(
            f" date 2024-03-01 TOKYO: Tokyo Electron rose {i + 1}.5% on Friday.", encoding="utf-8")
    real_check, real_write = run_module.check_records, Store._write_record

    def check(store, records, prices=None):
        if any("2.5%" in r["article"]["text"] for r in records):
            raise RuntimeError("no calendar for the moon")
        return real_check(store, records, prices=prices)

    def write(self, conn, record, run_id, version):
        if "3.5%" in record["article"]["text"]:
            raise ValueError("disk says no")
        return real_write(self, conn, record, run_id, version)

    monkeypatch.setattr(run_module, "check_records", check)
    monkeypatch.setattr(Store, "_write_record", write)
    summary = run_inputs([archive], tmp_path / "n.db", use_causal_model=False)
    assert (summary.articles, summary.errors) == (2, 2)
    conn = sqlite3.connect(tmp_path / "n.db")
    rows = dict(conn.execute("SELECT stage, reason FROM errors").fetchall())
    assert rows == {"check": "RuntimeError: no calendar for the moon", "store": "ValueError: disk says no"}
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (2,)


# -- the fuzz folder ------------------------------------------------------------------------------


def test_fuzz_generator_is_deterministic(tmp_path: Path):
    def digest(folder: Path) -> str:
        return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes()
                                       for p in sorted(folder.iterdir()))).hexdigest()

    write_fuzz_corpus(tmp_path / "a", 80)
    write_fuzz_corpus(tmp_path / "b", 80)
    write_fuzz_corpus(tmp_path / "c", 80, seed=7)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")
    assert len(long_article(5000)) > 5000


@pytest.mark.slow
def test_a_run_over_1000_hostile_files_accounts_for_every_one(tmp_path: Path):
    files = write_fuzz_corpus(tmp_path / "fuzz", 1000)
    db = tmp_path / "fuzz.db"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "fuzz"), "--db", str(db), "--no-model",
                                      "--no-check", "-q"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    inputs, articles, errors, duplicates = conn.execute(
        "SELECT inputs, articles, errors, duplicates FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    error_rows = conn.execute("SELECT count(*) FROM errors WHERE stage != 'prices'").fetchone()[0]
    assert inputs == len(files) == articles + errors
    assert stored + error_rows + duplicates == len(files)  # every file: an article, an error or a copy
    sources = {r[0] for r in conn.execute("SELECT source FROM article_sources UNION SELECT source FROM errors")}
    assert sources == {str(p) for p in files}
    assert 300 < stored < 700  # the clean and lightly mutated copies are read as articles


@pytest.mark.parametrize("text", [
    "Apple" + "x" * 3000 + " rose 3 percent.",
    "Shares " + "(" * 2000 + "IBM" + ")" * 2000 + " rose.",
    "a  " + "$" * 500 + "  b\n" + "c" * 201,
    "x" * 250,
    "Shares of IBM ( IBM.N ) rose 2 percent.",
])
def test_long_runs_are_cut_before_the_tokenizer_and_offsets_hold(rules_pipeline, text):
    from nlp.pipeline import LONG_RUN, tokenize

    doc = tokenize(rules_pipeline, text)
    assert doc.text == text
    assert all(len(t.text) <= LONG_RUN for t in doc)
    if len(text) < LONG_RUN:
        assert [t.text for t in doc] == [t.text for t in rules_pipeline.make_doc(text)]


def test_token_groups_bound_the_tokens_of_one_batched_call():
    from nlp.pipeline import token_groups

    vocab = spacy.blank("en").vocab
    docs = [Doc(vocab, words=["w"] * n) for n in (3, 4, 2, 9, 1)]
    groups = token_groups(docs, 8)
    assert [[len(d) for d in g] for g in groups] == [[3, 4], [2], [9], [1]]
    assert [d for g in groups for d in g] == docs
    assert [len(g) for g in token_groups(docs, 1)] == [1, 1, 1, 1, 1]
