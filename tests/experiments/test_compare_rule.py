"""The recommendation rule picks what its docstring says on constructed panels: the best
validation score unless a faster model is within the margin (accuracy points, or percent of
the MAE); ties go to the faster model; the reason names both models and the numbers."""

from __future__ import annotations

import math

import pytest

from seqlab.experiments.recommend import Score, recommend, rule_text

PANEL = [Score("Majority class", 0.50, 0.0001, 0.50),
         Score("Bag of words", 0.876, 1.2, 0.871),
         Score("Conv1D", 0.865, 2.0, 0.860),
         Score("GRU", 0.880, 12.0, 0.874),
         Score("Bidirectional GRU", 0.879, 24.0, 0.872)]


def test_a_faster_model_within_the_margin_is_recommended_over_the_best():
    pick = recommend(PANEL, higher_is_better=True, margin=1.0)
    assert (pick.best, pick.choice) == ("GRU", "Bag of words")
    assert pick.reason == ("GRU has the best validation accuracy (88.0%), but Bag of words is "
                           "within 0.4 points of it (87.6%) and 10× faster per epoch: start with "
                           "Bag of words. Its test accuracy: 87.1%.")


def test_with_no_margin_the_best_model_is_recommended():
    pick = recommend(PANEL, higher_is_better=True, margin=0.0)
    assert pick.choice == pick.best == "GRU"
    assert pick.reason == ("GRU: best validation accuracy (88.0%), 0.1 points better than "
                           "Bidirectional GRU, which is 2.0× slower per epoch; no faster model "
                           "comes within 0 accuracy points of it. Its test accuracy: 87.4%.")


def test_the_margin_is_in_accuracy_points():
    # Conv1D is 1.5 points below the best: inside a margin of 2, outside one of 1.4
    without_bag = [s for s in PANEL if s.name != "Bag of words"]
    assert recommend(without_bag, True, margin=2.0).choice == "Conv1D"
    assert recommend(without_bag, True, margin=1.4).choice == "GRU"


def test_forecasting_margin_is_relative_and_the_naive_baseline_can_win():
    panel = [Score("Naive (last value)", 0.300, 0.001, 0.31), Score("Dense", 0.305, 1.0),
             Score("GRU", 0.2975, 30.0), Score("Conv1D", 0.450, 5.0)]
    pick = recommend(panel, higher_is_better=False, margin=1.0)  # 0.300 is 0.84% above 0.2975
    assert (pick.best, pick.choice) == ("GRU", "Naive (last value)")
    assert "within 0.8% of it (0.3)" in pick.reason and "Its test MAE: 0.31." in pick.reason
    assert recommend(panel, False, margin=0.8).choice == "GRU"
    # Dense is 2.5% above the best: never close enough at 1%, though faster than the GRU
    assert recommend([s for s in panel if s.name != "Naive (last value)"], False, 1.0).choice \
        == "GRU"


def test_ties_go_to_the_faster_model_and_are_said_as_ties():
    panel = [Score("slow", 0.9, 10.0), Score("fast", 0.9, 1.0), Score("worse", 0.5, 0.1)]
    pick = recommend(panel, True, margin=0.0)
    assert pick.choice == pick.best == "fast"
    assert "level with slow" in pick.reason


def test_models_without_a_finite_score_are_left_out():
    panel = [Score("diverged", math.nan, 0.1), Score("GRU", 0.8, 5.0)]
    assert recommend(panel, True).choice == "GRU"
    with pytest.raises(ValueError, match="no model has a finite validation score"):
        recommend([Score("diverged", math.nan, 0.1)], True)


def test_a_negative_margin_is_refused():
    with pytest.raises(ValueError, match="margin must be a number >= 0, got -1"):
        recommend(PANEL, True, margin=-1)


def test_the_rule_text_states_the_margin_in_the_metric_s_terms():
    assert "within 1 accuracy point of the highest" in rule_text(True, 1.0)
    assert "within 2.5% of the lowest" in rule_text(False, 2.5)
