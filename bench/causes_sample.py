"""Draw the seeded random sample of stored causal links that issue 12 is measured on.

    python bench/causes_sample.py --db reuters.db --seed 2028 --n 220 --out tests/data/causes_sample \
        [--halves tests/data/checks_sample2/halves.json]

``reuters.db`` is a ``newslink run`` of the whole dev archive. The sample takes ``n`` links at random
with the seed, uniformly over all stored links (what a user sees), and splits them by article date
into a tuning half and a locked half as the quotes and checks samples do (``--halves``: the same
date keeps the same side for every issue). Writes ``tuning.jsonl`` and ``locked.jsonl``: per link
the article (member, title, date), the link as stored, the paragraphs around it and the article's
lead. ``label`` is left empty for the labellers (``PROMPT.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quotes_sample import sample_main  # noqa: E402

CAUSE_COLUMNS = ("id", "article_id", "idx", "cause_text", "cause_start", "cause_end", "effect_text",
                 "effect_start", "effect_end", "cue", "effect_symbols", "claim_ids", "method", "score")


def span(link: dict) -> tuple[int, int]:
    """The stretch of text the link covers: from the first of its two spans to the last."""
    starts = [x for x in (link["cause_start"], link["effect_start"]) if x is not None]
    ends = [x for x in (link["cause_end"], link["effect_end"]) if x is not None]
    return (min(starts) if starts else 0), (max(ends) if ends else 0)


def main() -> None:
    sample_main(__doc__.splitlines()[0], 2028, 220, "causes", CAUSE_COLUMNS, "link", span)


if __name__ == "__main__":
    main()
