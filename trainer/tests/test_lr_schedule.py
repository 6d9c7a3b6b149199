"""The learning-rate schedule: warmup, then constant or a linear fall that never reaches zero while training."""

from __future__ import annotations

import pytest

from voice_trainer.train import lr_factor


def test_warmup_then_linear_fall_to_the_last_step():
    factors = [lr_factor(s, 100, 10, "linear") for s in range(100)]
    assert factors[0] == pytest.approx(0.1)
    assert factors[9] == 1.0
    assert all(a > b for a, b in zip(factors[9:], factors[10:]))
    assert factors[-1] == pytest.approx(1 / 91)
    assert min(factors) > 0


def test_constant_stays_after_warmup():
    factors = [lr_factor(s, 50, 5, "constant") for s in range(50)]
    assert factors[:5] == pytest.approx([0.2, 0.4, 0.6, 0.8, 1.0])
    assert set(factors[4:]) == {1.0}


def test_one_step_runs_at_the_full_rate():
    assert lr_factor(0, 1, 1, "linear") == 1.0
