"""newslink_attributes: the model's attribute rules and rule lemmas, set in one indexed pass.

spaCy's ``attribute_ruler`` runs its rules (mostly a TAG -> POS / MORPH map) through the Matcher
and sets each match through a Span; the rule ``lemmatizer`` works token by token in Python. The
two took a sixth of the pipeline's time (issue 13). :func:`compile_rules` turns the loaded
ruler's own patterns into token conditions indexed by the values they test, and the component
applies them as the ruler does: every match is found on the Doc as it came, then set in rule
order, so a later rule wins. It then fills the lemmas the ruler left unset exactly as the rule
lemmatizer does, from a cache keyed by the (orth, pos, morph) hashes that holds lemma strings:
those survive memory zones, where a cached hash of a string added inside a zone would point at
nothing once the zone ends. A pattern shape it cannot compile raises :class:`Uncompilable`, and
:func:`take_over` then keeps the stock components.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.tokens._retokenize import normalize_token_attrs
from spacy.vocab import Vocab

log = logging.getLogger(__name__)

FACTORY = "newslink_attributes"

#: attributes whose value is a string's hash, so a REGEX can read them (the Matcher reads them so)
STRING_ATTRS = ("ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "DEP", "TAG", "POS")
#: lexeme flags, 0 or 1 in ``Doc.to_array`` as in the Matcher
FLAG_ATTRS = ("IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE",
              "IS_UPPER", "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE",
              "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY")
#: a condition is looked up by the first of its exact tests in this order (the rarest values first)
ANCHOR_ORDER = ("ORTH", "LOWER", "NORM", "LEMMA", "DEP", "TAG", "POS", "PREFIX", "SUFFIX", "SHAPE",
                *FLAG_ATTRS)
#: what a rule may set: plain struct fields of the token, as the ruler's ``set_token_attrs`` sets them
SETTABLE = frozenset({TAG, POS, MORPH, LEMMA, DEP})
#: entries a cache holds before it starts afresh: over a long run the caches and the lemma index
#: sets stay under about 15 MB
CACHE_LIMIT = 20_000


class Uncompilable(ValueError):
    """A ruler pattern (or attribute) this module cannot reproduce exactly; never leaves :func:`take_over`."""


@dataclass(frozen=True)
class Test:
    """One test of a token condition: ``kind`` is ``eq``, ``in``, ``not_in`` or ``regex``."""

    attr: int
    kind: str
    value: Any  # int, frozenset of ints, or a compiled regex


@dataclass(frozen=True)
class CompiledRules:
    """The ruler's rules as indexed token conditions.

    ``read``: the attributes the conditions test, in the order of a token's key; ``conditions``:
    the distinct token conditions (tests on positions of the key); ``single``: condition ->
    rules whose pattern is that one token; ``sequences``: (rule, conditions, offset of the token
    it sets) of longer patterns; ``sets``: per rule, the (attribute, value) pairs it sets;
    ``writes``: every attribute some rule sets.
    """

    read: tuple[int, ...]
    conditions: tuple[tuple[tuple[int, str, Any], ...], ...]
    single: dict[int, tuple[int, ...]]
    sequences: tuple[tuple[int, tuple[int, ...], int], ...]
    sets: tuple[tuple[tuple[int, int], ...], ...]
    writes: tuple[int, ...]


def attr_id(key: Any) -> int:
    """The attribute ID of a pattern key (as the Matcher reads it); raises Uncompilable for others."""
    if isinstance(key, str):
        name = key.upper()
        name = "ORTH" if name == "TEXT" else name
        if name in STRING_ATTRS or name in FLAG_ATTRS:
            return IDS[name]
    raise Uncompilable(f"pattern key {key!r}")


def compile_token(spec: Any, vocab: Vocab) -> tuple[Test, ...]:
    """The tests of one token of a Matcher pattern; raises Uncompilable for operators, extensions,
    comparisons, MORPH and any other shape whose Matcher semantics it does not reproduce."""
    if not isinstance(spec, dict):
        raise Uncompilable(f"token spec {spec!r}")
    tests = []
    for key, value in spec.items():
        attr = attr_id(key)
        if isinstance(value, dict):
            for op, arg in value.items():
                op = op.upper() if isinstance(op, str) else op
                if op in ("IN", "NOT_IN") and isinstance(arg, (list, tuple)) and all(
                        isinstance(v, (str, int)) and not isinstance(v, bool) for v in arg):
                    tests.append(Test(attr, op.lower(), frozenset(get_string_id(v) for v in arg)))
                elif op == "REGEX" and isinstance(arg, str) and attr in (IDS[n] for n in STRING_ATTRS):
                    tests.append(Test(attr, "regex", re.compile(arg)))
                else:
                    raise Uncompilable(f"predicate {op!r} of {key!r}")
        elif isinstance(value, str):
            tests.append(Test(attr, "eq", vocab.strings.add(value)))
        elif isinstance(value, (bool, int)):
            tests.append(Test(attr, "eq", int(value)))
        else:
            raise Uncompilable(f"value {value!r} of {key!r}")
    return tuple(tests)


def compile_rules(patterns: Iterable[dict[str, Any]], vocab: Vocab) -> CompiledRules:
    """The ruler's ``patterns`` (``AttributeRuler.patterns``, in rule order) compiled.

    Raises Uncompilable when a pattern or attribute is of a shape this module does not reproduce,
    when an index lies outside its pattern, and inside a memory zone (the rules' strings must
    outlive every zone).
    """
    if vocab.in_memory_zone:
        raise Uncompilable("compiling inside a memory zone")
    token_conditions: dict[tuple[Test, ...], int] = {}
    single: dict[int, list[int]] = {}
    sequences = []
    sets = []

    def condition(tests: tuple[Test, ...]) -> int:
        return token_conditions.setdefault(tests, len(token_conditions))

    for rule, entry in enumerate(patterns):
        if set(entry) - {"patterns", "attrs", "index"}:
            raise Uncompilable(f"rule {rule}: keys {sorted(entry)}")
        attrs = entry.get("attrs") or {}
        if "_" in attrs:
            raise Uncompilable(f"rule {rule}: extension attributes")
        normed = normalize_token_attrs(vocab, attrs)
        if any(key not in SETTABLE for key in normed):
            raise Uncompilable(f"rule {rule}: sets {sorted(attrs)}")
        sets.append(tuple(normed.items()))
        index = entry.get("index", 0)
        if not isinstance(index, int) or isinstance(index, bool):
            raise Uncompilable(f"rule {rule}: index {index!r}")
        for pattern in entry.get("patterns") or []:
            if not isinstance(pattern, list) or not pattern or not -len(pattern) <= index < len(pattern):
                raise Uncompilable(f"rule {rule}: pattern {pattern!r} with index {index}")
            ids = tuple(condition(compile_token(spec, vocab)) for spec in pattern)
            if len(ids) == 1:
                single.setdefault(ids[0], []).append(rule)
            else:
                sequences.append((rule, ids, index % len(ids)))
    read = tuple(dict.fromkeys(t.attr for tests in token_conditions for t in tests))
    place = {attr: at for at, attr in enumerate(read)}
    conditions = tuple(tuple((place[t.attr], t.kind, t.value) for t in tests) for tests in token_conditions)
    writes = tuple(dict.fromkeys(attr for pairs in sets for attr, _ in pairs))
    return CompiledRules(read, conditions, {c: tuple(rules) for c, rules in single.items()},
                         tuple(sequences), tuple(sets), writes)


class TokenMatcher:
    """Which conditions a token satisfies, from the tuple of its ``read`` values.

    Each condition is filed under the value of one exact test (an ``eq`` value, or each value of
    an ``in``), so a token checks only the few conditions filed under its own values, plus those
    with no exact test (``not_in`` and ``regex`` only).
    """

    def __init__(self, rules: CompiledRules):
        self.conditions = rules.conditions
        rank = {IDS[name]: at for at, name in enumerate(ANCHOR_ORDER)}
        tables: dict[int, dict[int, list[int]]] = {}
        self.unfiled: list[int] = []
        for c, tests in enumerate(rules.conditions):
            exact = [t for t in tests if t[1] in ("eq", "in")]
            if not exact:
                self.unfiled.append(c)
                continue
            at, kind, value = min(exact, key=lambda t: (t[1] != "eq", rank[rules.read[t[0]]]))
            table = tables.setdefault(at, {})
            for v in ([value] if kind == "eq" else sorted(value)):
                table.setdefault(v, []).append(c)
        self.tables = tuple(tables.items())

    def satisfied(self, key: tuple[int, ...], strings) -> list[int]:
        """The conditions the token whose read values are ``key`` satisfies (``strings``: for regexes)."""
        found = []
        for at, table in self.tables:
            for c in table.get(key[at], ()):
                if self._holds(c, key, strings):
                    found.append(c)
        for c in self.unfiled:
            if self._holds(c, key, strings):
                found.append(c)
        return found

    def _holds(self, c: int, key: tuple[int, ...], strings) -> bool:
        for at, kind, value in self.conditions[c]:
            v = key[at]
            if kind == "eq":
                if v != value:
                    return False
            elif kind == "in":
                if v not in value:
                    return False
            elif kind == "not_in":
                if v in value:
                    return False
            elif not value.search(strings[v]):
                return False
        return True


def lemmatizer_fits(pipe: Any) -> bool:
    """Whether ``pipe`` is spaCy's own rule lemmatizer (English or base) with its tables loaded:
    then a token's lemma depends on its (orth, pos, morph) alone, and :class:`RuleLemmas` gives it."""
    if type(pipe) not in (Lemmatizer, EnglishLemmatizer) or pipe.mode != "rule":
        return False
    if type(pipe).rule_lemmatize is not Lemmatizer.rule_lemmatize:
        return False
    required, _ = pipe.get_lookups_config("rule")
    return all(table in pipe.lookups for table in required)


class RuleLemmas:
    """The lemmas of spaCy's rule lemmatizer, cached as strings by (orth, pos, morph key).

    A miss follows ``Lemmatizer.rule_lemmatize`` step by step, with each part of speech's index
    as a set (spaCy's are lists of up to 57,000 words, scanned for every candidate form), and asks
    the lemmatizer's own ``is_base_form``; a token without a POS goes to the lemmatizer itself
    (which warns W108).
    """

    def __init__(self, lemmatizer: Lemmatizer):
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], str] = {}
        self._tables: dict[str, tuple] = {}

    @property
    def overwrite(self) -> bool:
        return self.lemmatizer.overwrite

    def lemma(self, doc: Doc, i: int, key: tuple[int, int, int]) -> str:
        """The lemma of ``doc[i]``, whose (orth, pos, morph) is ``key``."""
        lemma = self.cache.get(key)
        if lemma is None:
            token = doc[i]
            if not key[1]:
                return self.lemmatizer.lemmatize(token)[0]
            lemma = self._rule_lemma(token)
            if len(self.cache) >= CACHE_LIMIT:
                self.cache.clear()
            self.cache[key] = lemma
        return lemma

    def _pos_tables(self, univ_pos: str) -> tuple:
        """(any table has the POS, index as a set, exceptions, rules) of one part of speech."""
        tables = self._tables.get(univ_pos)
        if tables is None:
            lookups = self.lemmatizer.lookups
            index = lookups.get_table("lemma_index", {}).get(univ_pos, {})
            exceptions = lookups.get_table("lemma_exc", {}).get(univ_pos, {})
            rules = lookups.get_table("lemma_rules", {}).get(univ_pos, {})
            tables = (bool(index or exceptions or rules), frozenset(index), exceptions, rules)
            self._tables[univ_pos] = tables
        return tables

    def _rule_lemma(self, token) -> str:
        """The first of ``Lemmatizer.rule_lemmatize(token)``'s forms, for a token with a POS."""
        string = token.text
        univ_pos = token.pos_.lower()
        if univ_pos in ("eol", "space") or self.lemmatizer.is_base_form(token):
            return string.lower()
        known, index, exceptions, rules = self._pos_tables(univ_pos)
        if not known:
            return string if univ_pos == "propn" else string.lower()
        orig = string
        string = string.lower()
        forms: list[str] = []
        oov_forms = []
        for old, new in rules:
            if string.endswith(old):
                form = string[: len(string) - len(old)] + new
                if not form:
                    pass
                elif form in index:
                    forms.insert(0, form)
                elif not form.isalpha():
                    forms.append(form)
                else:
                    oov_forms.append(form)
        forms = list(dict.fromkeys(forms))
        for form in exceptions.get(string, []):
            if form not in forms:
                forms.insert(0, form)
        if not forms:
            forms.extend(oov_forms)
        return forms[0] if forms else orig


class TokenOutcome(NamedTuple):
    """What the rules make of one token's read values, before its neighbours are looked at."""

    writes: tuple[tuple[int, int], ...]  # (column, value) the one-token rules set, the last rule's value
    rules: tuple[int, ...]  # those rules, in rule order
    conditions: frozenset[int]  # the conditions it satisfies (read by longer patterns)
    starts: tuple[int, ...]  # the longer patterns whose first token it matches


class TokenAttributes:
    """The component: the ruler's rules, then (when given) the rule lemmatizer's lemmas."""

    def __init__(self, vocab: Vocab, rules: CompiledRules, lemmas: RuleLemmas | None = None):
        self.vocab = vocab
        self.rules = rules
        self.matcher = TokenMatcher(rules)
        self.lemmas = lemmas
        self._first: dict[int, list[int]] = {}  # condition -> longer patterns starting with it
        for q, (_, ids, _) in enumerate(rules.sequences):
            self._first.setdefault(ids[0], []).append(q)
        lemma_attrs = (ORTH, POS, MORPH, LEMMA) if lemmas is not None else ()
        self.columns = list(dict.fromkeys((*rules.read, *rules.writes, *lemma_attrs)))
        if len(self.columns) < 2:
            self.columns.append(ORTH)  # Doc.to_array gives a row per token for two or more
        place = {attr: at for at, attr in enumerate(self.columns)}
        self._sets = tuple(tuple((place[a], v) for a, v in pairs) for pairs in rules.sets)
        # with lemmas, LEMMA is written once, after them
        self._writes = [a for a in rules.writes if not (lemmas is not None and a == LEMMA)]
        self._write_cols = [place[a] for a in self._writes]
        self._lemma_cols = tuple(place[a] for a in lemma_attrs)
        self._memo: dict[tuple[int, ...], TokenOutcome] = {}
        self._outcomes: dict[TokenOutcome, TokenOutcome] = {}

    def _outcome(self, key: tuple[int, ...]) -> TokenOutcome:
        conditions = self.matcher.satisfied(key, self.vocab.strings)
        rules = sorted({r for c in conditions for r in self.rules.single.get(c, ())})
        starts = tuple(q for c in conditions for q in self._first.get(c, ()))
        outcome = TokenOutcome(self._fold(rules), tuple(rules), frozenset(conditions), starts)
        outcome = self._outcomes.setdefault(outcome, outcome)  # a few hundred, shared by all keys
        if len(self._memo) >= CACHE_LIMIT:
            self._memo.clear()
        self._memo[key] = outcome
        return outcome

    def _fold(self, rules: Iterable[int]) -> tuple[tuple[int, int], ...]:
        """The (column, value) writes of ``rules`` applied in the given order."""
        writes: dict[int, int] = {}
        for r in rules:
            writes.update(self._sets[r])
        return tuple(writes.items())

    def __call__(self, doc: Doc) -> Doc:
        """Set the rules' attributes (and the lemmas) on ``doc``; returns the same Doc."""
        n = len(doc)
        if not n:
            return doc
        rows = doc.to_array(self.columns).tolist()
        k = len(self.rules.read)
        memo = self._memo
        outcomes = []
        for row in rows:  # every match is found on the Doc as it came, before any is set
            key = tuple(row[:k])
            outcome = memo.get(key)
            outcomes.append(outcome if outcome is not None else self._outcome(key))
        targeted: dict[int, list[int]] = {}  # token -> longer patterns' rules that set it
        if self._first:
            sequences = self.rules.sequences
            for s, outcome in enumerate(outcomes):
                for q in outcome.starts:
                    rule, ids, offset = sequences[q]
                    if s + len(ids) <= n and all(
                            c in outcomes[s + j].conditions for j, c in enumerate(ids) if j):
                        targeted.setdefault(s + offset, []).append(rule)
        for i, (row, outcome) in enumerate(zip(rows, outcomes)):
            if i in targeted:  # a longer pattern sets it too: all its rules again, in rule order
                writes = self._fold(sorted({*outcome.rules, *targeted[i]}))
            else:
                writes = outcome.writes
            for col, value in writes:
                row[col] = value
        if self._writes:  # plain struct writes, as set_token_attrs makes them
            table = numpy.array(rows, dtype=numpy.uint64)
            doc.from_array(self._writes, table[:, self._write_cols])
        if self.lemmas is not None:
            self._set_lemmas(doc, rows)
        return doc

    def _set_lemmas(self, doc: Doc, rows: list[list[int]]) -> None:
        """The lemmatizer's step: a lemma for each token the rules left without one (or every
        token, with ``overwrite``), from ``rows`` as the rules left them."""
        orth, pos, morph, lemma = self._lemma_cols
        overwrite = self.lemmas.overwrite
        add = self.vocab.strings.add
        hashes: dict[tuple[int, int, int], int] = {}  # this Doc's only: a hash is valid within its zone
        column = []
        for i, row in enumerate(rows):
            if overwrite or row[lemma] == 0:
                key = (row[orth], row[pos], row[morph])
                h = hashes.get(key)
                if h is None:
                    h = hashes[key] = add(self.lemmas.lemma(doc, i, key))
                column.append(h)
            else:
                column.append(row[lemma])
        doc.from_array([LEMMA], numpy.array(column, dtype=numpy.uint64))


@Language.factory(
    FACTORY,
    default_config={"ruler": "attribute_ruler", "lemmatizer": None},
    assigns=["token.pos", "token.morph", "token.lemma"],
)
def make_token_attributes(
    nlp: Language,  # spaCy passes the pipeline under this name
    name: str,  # noqa: ARG001
    ruler: str,
    lemmatizer: str | None,
) -> TokenAttributes:
    """Return the component built from the pipeline's ``ruler`` (and rule ``lemmatizer``, if named).

    Raises Uncompilable when one of the ruler's patterns cannot be compiled.
    """
    rules = compile_rules(nlp.get_pipe(ruler).patterns, nlp.vocab)
    lemmas = RuleLemmas(nlp.get_pipe(lemmatizer)) if lemmatizer else None
    return TokenAttributes(nlp.vocab, rules, lemmas)


def take_over(pipeline: Language, ruler: str = "attribute_ruler") -> list[str]:
    """Put ``newslink_attributes`` in the place of the stock ``ruler`` and, when spaCy's rule
    lemmatizer comes right after it, of that lemmatizer too.

    Returns the names of the components replaced: [] when there is no ``ruler`` or one of its
    patterns cannot be compiled (the stock components stay).
    """
    names = pipeline.pipe_names
    if ruler not in names:
        return []
    following = names[names.index(ruler) + 1: names.index(ruler) + 2]
    lemmatizer = following[0] if following and lemmatizer_fits(pipeline.get_pipe(following[0])) else None
    try:
        pipeline.add_pipe(FACTORY, before=ruler, config={"ruler": ruler, "lemmatizer": lemmatizer})
    except Uncompilable as err:
        log.info("keeping spaCy's %s: %s", ruler, err)
        return []
    replaced = [ruler, lemmatizer] if lemmatizer else [ruler]
    for stock in replaced:
        pipeline.remove_pipe(stock)
    return replaced
