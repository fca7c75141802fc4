"""The shipped weights are exactly what ``simulator train-detector`` makes from the data in the repository.

The full training runs here (both languages, about a minute of CPU each on the 2-core dev
machine): the reproduction is the proof, a hash alone would only show that nothing moved.
The hash test runs first and fails fast with the command to run when inputs changed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from simulator.cli import main
from simulator.language.learned.model import weights_path
from simulator.language.learned.train import inputs_digest

RETRAIN = "the labelled sets, the signal rules or the layer's code changed: run `simulator train-detector`"


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_shipped_weights_were_trained_on_these_inputs(lang: str) -> None:
    with np.load(weights_path(lang)) as shipped:
        assert str(shipped["inputs_sha256"]) == inputs_digest(lang), RETRAIN


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["fi", "en"])
def test_training_reproduces_the_shipped_weights(lang: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train-detector", "--lang", lang, "--out", str(tmp_path)]) == 0
    assert "wrote" in capsys.readouterr().out
    with np.load(weights_path(lang)) as shipped, np.load(tmp_path / f"weights_{lang}.npz") as fresh:
        assert sorted(shipped.files) == sorted(fresh.files)
        for name in ("signals", "vocab", "inputs_sha256"):
            assert np.array_equal(shipped[name], fresh[name]), f"{name}: {RETRAIN}"
        for name in ("weights", "combiner", "thresholds"):
            np.testing.assert_allclose(fresh[name], shipped[name], rtol=1e-4, atol=1e-5, err_msg=RETRAIN)
