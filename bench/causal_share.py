"""The causal tagger's share of newslink's pipeline time.

    python bench/causal_share.py [--n 100] [--archive PATH]

Runs the full newslink pipeline (English model + all components, causal tagger on) over the
first N articles of the Reuters dev archive and reports: total pipeline seconds, seconds in the
``newslink_causes`` component, seconds inside ``CausalTagger.predict`` (the model alone), how many
sentences the tagger read out of how many there were, and the model's share of the total.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "data" / "reuters" / "reuters-2012-08_2013-11-dev.tar.gz"


def first_texts(archive: Path, n: int) -> list[str]:
    """Texts of the first ``n`` readable articles of ``archive``."""
    from nlp.articles import read_inputs
    from nlp.types import Article

    texts = []
    for item in read_inputs([archive]):
        if isinstance(item, Article) and item.text.strip():
            texts.append(item.text)
            if len(texts) == n:
                break
    return texts


def measure(texts: list[str]) -> dict:
    """Pipeline, component and model seconds over ``texts`` (models loaded before timing)."""
    from nlp.causal.model import CausalTagger
    from nlp.components.causes import default_tagger
    from nlp.pipeline import build_pipeline

    pipeline = build_pipeline(use_causal_model=True)
    tagger = default_tagger()
    if tagger is None:
        raise SystemExit("no causal tagger artifact in nlp/models/causal: run `newslink train causal`")
    pipeline("Warm-up: shares rose 1% as chipmakers gained.")

    spent = {"model": 0.0, "calls": 0, "sentences_tagged": 0}
    predict = CausalTagger.predict

    def timed_predict(self, batch, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return predict(self, batch, *args, **kwargs)
        finally:
            spent["model"] += time.perf_counter() - t0
            spent["calls"] += 1
            spent["sentences_tagged"] += len(batch)

    CausalTagger.predict = timed_predict
    per_component = {name: 0.0 for name in pipeline.pipe_names}
    sentences = 0
    t_all = time.perf_counter()
    for text in texts:
        doc = pipeline.make_doc(text)
        for name, proc in pipeline.pipeline:
            t0 = time.perf_counter()
            doc = proc(doc)
            per_component[name] += time.perf_counter() - t0
        sentences += sum(1 for _ in doc.sents)
    total = time.perf_counter() - t_all
    CausalTagger.predict = predict
    return {
        "articles": len(texts),
        "pipeline_s": round(total, 2),
        "causes_component_s": round(per_component.get("newslink_causes", 0.0), 2),
        "model_s": round(spent["model"], 2),
        "model_share": round(spent["model"] / total, 3) if total else None,
        "sentences": sentences,
        "sentences_tagged": spent["sentences_tagged"],
        "per_component_s": {k: round(v, 2) for k, v in per_component.items()},
        "torch_threads": __import__("torch").get_num_threads(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--archive", type=Path, default=DEFAULT_ARCHIVE)
    args = parser.parse_args()
    texts = first_texts(args.archive, args.n)
    print(json.dumps(measure(texts), indent=2))


if __name__ == "__main__":
    main()
