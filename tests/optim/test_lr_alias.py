"""Keras 2's ``lr=`` is the old name of ``learning_rate=``."""

import pytest

from seqlab import optim


@pytest.mark.parametrize("cls", [optim.SGD, optim.RMSprop, optim.Adam, optim.Adagrad])
def test_lr_is_an_alias_with_a_deprecation_warning(cls):
    with pytest.warns(DeprecationWarning, match="lr is deprecated, use learning_rate=0.25"):
        opt = cls(lr=0.25)
    assert opt.learning_rate == 0.25


@pytest.mark.parametrize("cls", [optim.SGD, optim.RMSprop, optim.Adam, optim.Adagrad])
def test_lr_and_learning_rate_together_are_an_error(cls):
    with pytest.raises(ValueError, match="give one of them"):
        cls(learning_rate=0.1, lr=0.2)


def test_the_class_default_stays_without_either():
    assert optim.SGD().learning_rate == 0.01
    assert optim.RMSprop().learning_rate == 0.001


def test_the_warning_points_at_the_caller():
    with pytest.warns(DeprecationWarning) as record:
        optim.RMSprop(lr=0.1)
    assert record[0].filename == __file__
