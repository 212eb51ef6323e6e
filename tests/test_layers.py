"""Layers (issue 16): modules of nlp/ import only downward, and no import circle exists.

types -> articles / store -> components -> market -> pipeline / run / reactions -> query / report / serve -> cli.
Every import counts, also one inside a function (none may dodge a circle).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NLP = ROOT / "nlp"

#: module (or package prefix) -> layer; a longer prefix wins
LAYERS = {
    "nlp.types": 0, "nlp.errors": 0, "nlp.paths": 0, "nlp.calendars": 0, "nlp.budget": 0, "nlp.views": 0,
    "nlp.instruments": 0,
    "nlp.articles": 1, "nlp.store": 1,
    "nlp.causal": 2, "nlp.components": 2,
    "nlp.market": 3,
    "nlp.pipeline": 4, "nlp.workers": 4, "nlp.run": 4, "nlp.extract": 4, "nlp.reactions": 4,
    "nlp.distributed": 4,
    "nlp.query": 5, "nlp.report": 5, "nlp.serve": 5, "nlp.stats": 5,
    "nlp.cli": 6, "nlp.models": 6,  # nlp/models/instruments/build.py: a maintainer's script
    "nlp": 6,  # the package's __init__
}


def modules() -> dict[str, Path]:
    out = {}
    for path in NLP.rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        out[name[: -len(".__init__")] if name.endswith(".__init__") else name] = path
    return out


def layer(name: str) -> int:
    best = max((p for p in LAYERS if name == p or name.startswith(p + ".")), key=len)
    return LAYERS[best]


def imports() -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {}
    for name, path in mods.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("nlp"):
                    found.add(t)
                    break
        edges[name] = found
    return edges


def test_every_module_has_a_layer():
    for name in modules():
        layer(name)


def test_imports_go_only_downward():
    wrong = [f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
             for a, targets in imports().items() for b in targets
             if layer(b) > layer(a) and not a.startswith(b + ".") and b != "nlp"]
    assert wrong == []


def test_no_import_circle():
    edges = imports()

    def reach(start: str) -> set[str]:
        seen, stack = set(), [start]
        while stack:
            for nxt in edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return seen

    circles = sorted((a, b) for a in edges for b in edges[a] if a in reach(b) and not b.startswith(a + ".")
                     and not a.startswith(b + "."))
    assert circles == []


def test_the_walk_sees_imports_inside_functions_too():
    edges = imports()
    assert "nlp.workers" in edges["nlp.run"] and "nlp.views" in edges["nlp.store"]
    assert "nlp.causal.model" in edges["nlp.components.causes"]  # imported inside default_tagger


def test_components_declare_what_they_read():
    from nlp.pipeline import shared_pipeline

    pipeline = shared_pipeline(False)
    analysis = pipeline.analyze_pipes(pretty=False)
    assert all(not problems for problems in analysis["problems"].values()), analysis["problems"]
    requires = {name: set(analysis["summary"][name]["requires"]) for name in pipeline.pipe_names
                if name.startswith("newslink_")}
    assert {"doc._.claims", "doc._.instruments"} <= requires["newslink_causes"]
    assert "doc.ents" in requires["newslink_instruments"] and "doc._.instruments" in requires["newslink_claims"]
