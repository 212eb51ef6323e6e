"""``newslink train causal`` / ``causal-sentences`` and ``newslink eval causal``: the causal span
tagger (FinCausal task 2) and the causal-sentence classifier (task 1)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import typer

from nlp.cli.app import app
from nlp.paths import CAUSAL_MODEL

train_app = typer.Typer(name="train", no_args_is_help=True, add_completion=False, help="Train newslink's models.")
eval_app = typer.Typer(name="eval", no_args_is_help=True, add_completion=False, help="Score newslink's models.")
app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")

#: the committed causal tagger (named in nlp.paths, so that no torch is imported for --help)
ARTIFACT = CAUSAL_MODEL


@train_app.command("causal")
def train_causal(
    out: Path = typer.Option(ARTIFACT, "--out", help="Folder for the artifact and its model card."),
    epochs: int = typer.Option(6, "--epochs", min=1, help="Passes over the training split."),
    seed: int = typer.Option(13, "--seed", help="Seed of the train/dev split and of training."),
    lora_rank: int = typer.Option(
        16, "--lora-rank", min=0, help="Rank of the lower layers' updates (0: keep them fixed)."
    ),
    batch_size: int = typer.Option(16, "--batch-size", min=1, help="Relations per optimisation step."),
    learning_rate: float = typer.Option(2e-4, "--learning-rate", help="Learning rate of the top layers."),
    lora_alpha: float = typer.Option(16.0, "--lora-alpha", help="Scale of the low-rank updates (alpha / rank)."),
    data_dir: Path = typer.Option(None, "--data", help="FinCausal folder (default: ../shared/data/fincausal)."),
    limit: int = typer.Option(None, "--limit", min=1, help="Use only the first N training relations (smoke runs)."),
    frozen_layers: int = typer.Option(
        4, "--frozen-layers", min=0, max=6, help="Lower layers kept as the base has them (adapted by low-rank updates); the rest train in full."
    ),
    head_learning_rate: float = typer.Option(
        1e-3, "--head-learning-rate", help="Learning rate of the token head and the low-rank updates."
    ),
    device: str = typer.Option(None, "--device", help="torch device (default: cuda when available, else cpu)."),
    train_seed: int = typer.Option(
        None, "--train-seed", help="Seed of initialisation and batch order only (default: --seed); the split keeps --seed."
    ),
) -> None:
    """Train the cause/effect span tagger on FinCausal and write nlp/models/causal/ with its model card.

    Texts are split into train and dev by text with the seed; the epoch with the best dev F1 is kept.
    Prints the dev scores as JSON.

    Example:

        newslink train causal --epochs 6 --seed 13
    """
    from nlp.causal.train import train

    progress = logging.getLogger("nlp.causal")
    progress.setLevel(logging.INFO)
    if not progress.handlers:
        progress.addHandler(logging.StreamHandler())  # one line per epoch, on stderr
    config = train(
        out,
        epochs=epochs,
        seed=seed,
        data_dir=data_dir,
        lora_rank=lora_rank,
        lora_alpha=lora_alpha,
        batch_size=batch_size,
        learning_rate=learning_rate,
        limit=limit,
        frozen_layers=frozen_layers,
        head_learning_rate=head_learning_rate,
        device=device,
        train_seed=train_seed,
    )
    typer.echo(json.dumps(config["dev"], indent=2))


@eval_app.command("causal")
def eval_causal(
    files: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True,
        help="FinCausal task-2 CSVs, scored together; or task-1 CSVs, each scored by the sentence classifier."
    ),
    predictions: Path = typer.Option(
        None, "--predictions", help="Also write predictions (Index; Text; Cause; Effect)."
    ),
    model: Path = typer.Option(ARTIFACT, "--model", help="Folder of the trained artifact."),
    split: str = typer.Option(
        "all", "--split", help="all, or only the texts held out from training (dev) or used in it (train)."
    ),
) -> None:
    """Score the causal tagger on a FinCausal task-2 file with the official metric, or the
    causal-sentence classifier on task-1 files (Index; Text; Gold: precision, recall and F1 of the
    causal class).

    Prints weighted precision, recall and F1 over cause/effect/other tokens, exact match, and
    cause and effect F1 as JSON. A blind file (only Index; Text) is tagged, not scored: give
    --predictions.

    Example:

        newslink eval causal ../shared/data/fincausal/fnp2020-fincausal2-task2.csv --predictions out.csv

        newslink eval causal ../shared/data/fincausal/fnp2020-fincausal2-task2.csv --split dev

    Several files are scored as one set: both parts of the dev split, as the model card reports it:

        newslink eval causal ../shared/data/fincausal/fnp2020-fincausal2-task2.csv \
            ../shared/data/fincausal/practice_addition_fnp2022-fincausal-task2.csv --split dev
    """
    from nlp.causal.sentences import evaluate_task1, is_task1

    task1 = [f for f in files if is_task1(f)]
    if task1:
        if len(task1) != len(files):
            typer.echo("error: give task-1 files (Index; Text; Gold) or task-2 files, not both", err=True)
            raise typer.Exit(1)
        try:
            for f in task1:
                scores = evaluate_task1(f)
                typer.echo(json.dumps({"file": f.name, **{k: round(v, 4) for k, v in scores.items()}}, indent=2))
        except (FileNotFoundError, ValueError) as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        return
    from nlp.causal.evaluate import evaluate_files

    try:
        scores = evaluate_files(files, model, predictions, split=split)
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({k: round(v, 4) for k, v in scores.items()}, indent=2))


@train_app.command("causal-sentences")
def train_causal_sentences(
    data: Path = typer.Option(None, "--data", help="Task-1 CSV (default: ../shared/data/fincausal/fnp2020-fincausal2-task1.csv)."),
    out: Path = typer.Option(None, "--out", help="Model file (default: nlp/models/causal/sentence.json)."),
    folds: int = typer.Option(5, "--folds", min=2, help="Folds of the cross-validation, grouped by document."),
    seed: int = typer.Option(13, "--seed", help="Seed of the fold assignment."),
) -> None:
    """Train the causal-sentence classifier (FinCausal task 1) on the installed encoder.

    The penalty is chosen by k-fold cross-validation grouped by document (each fold's threshold chosen
    inside its training part); prints each penalty's mean F1 and spread, then the report as JSON.

    Example:

        newslink train causal-sentences --folds 5 --seed 13
    """
    from nlp.causal.data import shared_data_dir
    from nlp.causal.sentences import SENTENCE_MODEL, train

    data = data or shared_data_dir() / "fnp2020-fincausal2-task1.csv"
    if not data.exists():
        typer.echo(f"error: {data}: not found (give --data)", err=True)
        raise typer.Exit(1)
    report = train(data, out or SENTENCE_MODEL, k=folds, seed=seed, log=lambda m: typer.echo(m, err=True))
    typer.echo(json.dumps({k: v for k, v in report.items() if k != "reliability"}, indent=2))
