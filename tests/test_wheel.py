"""Packaging (issue 16): a wheel built from the checkout, installed in a fresh venv far from it,
runs `newslink extract` on the sample with all 13 claims (nlp/models ships inside the wheel)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "nikkei-2024-03-01.txt"

pytestmark = [pytest.mark.slow, pytest.mark.model]


def test_a_wheel_installed_far_from_the_checkout_runs_the_sample(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                    "--quiet", "-w", str(wheels)], check=True, timeout=300)
    wheel = next(wheels.glob("newslink-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    # the dependencies come from this environment (a plain path: its editable newslink is not loaded)
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                    "--no-deps", "--quiet", str(wheel)], check=True, timeout=300)
    away = tmp_path / "elsewhere"
    away.mkdir()
    shutil.copy(SAMPLE, away / SAMPLE.name)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": ""}
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import nlp, nlp.paths; print(nlp.__file__);"
                            " print(nlp.paths.MODELS)"], cwd=away, env=env, check=True,
                           capture_output=True, text=True).stdout.split()
    assert where[0].startswith(str(site)), where  # the wheel's code, not the checkout's
    assert Path(where[1]).is_dir() and str(ROOT) not in where[1]
    out = subprocess.run([str(venv / "bin" / "newslink"), "extract", SAMPLE.name, "--json"], cwd=away, env=env,
                         check=True, capture_output=True, text=True, timeout=300)
    record = json.loads(out.stdout)
    assert len(record["claims"]) == 13
    assert record["instruments"] and record["causes"]
