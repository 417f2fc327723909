"""Time-series windows: every window against a direct slice of the array, Keras'
documented examples, shuffling from a seed, the book's generator, and errors."""

from __future__ import annotations

import numpy as np
import pytest

from seqlab.datasets.timeseries import (
    TimeseriesDataset,
    generator,
    timeseries_dataset_from_array,
)


def _series(rows: int = 60, features: int = 3) -> np.ndarray:
    """Distinct values: row t holds 10·t + column."""
    return 10.0 * np.arange(rows)[:, None] + np.arange(features)


def _expected(data, targets, length, stride, rate, start, end):
    """Windows and targets by the rule: window k starts at start + k·stride, takes
    ``length`` rows every ``rate`` rows, ends before ``end``; its target is targets[t]."""
    end = len(data) if end is None else end
    start = 0 if start is None else start
    windows, labels = [], []
    t = start
    while t + (length - 1) * rate < end and (targets is None or t < len(targets)):
        windows.append(data[t:t + (length - 1) * rate + 1:rate])
        labels.append(None if targets is None else targets[t])
        t += stride
    return np.array(windows), labels


@pytest.mark.parametrize("length, stride, rate, start, end, batch_size", [
    (5, 1, 1, None, None, 8),
    (4, 3, 2, None, None, 5),
    (6, 2, 3, 7, 50, 4),
    (3, 5, 1, 10, None, 128),
    (10, 1, 6, 0, 60, 7),
    (1, 1, 1, 44, None, 3),
    (2, 7, 4, 1, 30, 1),
])
@pytest.mark.parametrize("with_targets", [True, False])
def test_every_window_is_the_direct_slice(length, stride, rate, start, end, batch_size,
                                          with_targets):
    data = _series()
    targets = -np.arange(45.0) if with_targets else None  # shorter than data: drops windows
    ds = timeseries_dataset_from_array(data, targets, length, sequence_stride=stride,
                                       sampling_rate=rate, batch_size=batch_size,
                                       start_index=start, end_index=end)
    windows, labels = _expected(data, targets, length, stride, rate, start, end)
    batches = list(ds)
    assert len(batches) == len(ds) == -(-len(windows) // batch_size) and ds.num_windows > 0
    xs = [b[0] for b in batches] if with_targets else batches
    assert [len(b) for b in xs[:-1]] == [batch_size] * (len(xs) - 1)
    np.testing.assert_array_equal(np.concatenate(xs), windows)
    if with_targets:
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), labels)
    np.testing.assert_array_equal(ds[-1][0] if with_targets else ds[-1], xs[-1])


def test_keras_documented_examples():
    # Example 1: indices 0..98, sequence_length=10, sampling_rate=2, sequence_stride=3
    ds = timeseries_dataset_from_array(np.arange(99), None, 10, sequence_stride=3,
                                       sampling_rate=2, batch_size=1000)
    windows = ds[0]
    assert windows[0].tolist() == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    assert windows[1].tolist() == [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]
    assert windows[2].tolist() == [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]
    assert windows[-1].tolist() == [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]
    # Example 2: the past 10 steps predict the next one
    data = np.arange(100.0)
    inputs, targets = timeseries_dataset_from_array(data[:-10], data[10:], 10)[0]
    np.testing.assert_array_equal(inputs[0], data[:10])
    assert targets[0] == data[10]


def test_the_dataset_keeps_the_array_and_makes_each_batch_on_demand():
    data = _series(200, 4)
    ds = timeseries_dataset_from_array(data, data[:, 0], 24, batch_size=16)
    assert np.shares_memory(ds.data, data) and np.shares_memory(ds.targets, data)
    x, y = ds[3]
    assert x.shape == (16, 24, 4) and y.shape == (16,)
    assert not np.shares_memory(x, data)  # a fresh batch, gathered from the rows
    single = timeseries_dataset_from_array(data, data[:, 0], 24, batch_size=None)
    assert len(single) == ds.num_windows == 177
    np.testing.assert_array_equal(single[50][0], x[2])
    assert single[50][1] == y[2]


def test_shuffle_is_a_reproducible_permutation_that_changes_every_epoch():
    data = _series(80, 2)
    plain = timeseries_dataset_from_array(data, data[:, 1], 6, sequence_stride=2,
                                          batch_size=5)
    first = timeseries_dataset_from_array(data, data[:, 1], 6, sequence_stride=2,
                                          batch_size=5, shuffle=True, seed=3)
    again = timeseries_dataset_from_array(data, data[:, 1], 6, sequence_stride=2,
                                          batch_size=5, shuffle=True, seed=3)
    other = timeseries_dataset_from_array(data, data[:, 1], 6, sequence_stride=2,
                                          batch_size=5, shuffle=True, seed=4)

    def epoch(ds):
        batches = list(ds)
        return np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])

    ordered_x, ordered_y = epoch(plain)
    shuffled_x, shuffled_y = epoch(first)
    order = np.argsort(shuffled_x[:, 0, 0])  # window starts are distinct
    np.testing.assert_array_equal(shuffled_x[order], ordered_x)
    np.testing.assert_array_equal(shuffled_y[order], ordered_y)
    assert not np.array_equal(shuffled_x, ordered_x)
    np.testing.assert_array_equal(epoch(again)[0], shuffled_x)
    assert not np.array_equal(epoch(other)[0], shuffled_x)
    first.on_epoch_end()
    again.on_epoch_end()
    second_x, _ = epoch(first)
    assert not np.array_equal(second_x, shuffled_x)
    np.testing.assert_array_equal(np.sort(second_x[:, 0, 0]), ordered_x[:, 0, 0])
    np.testing.assert_array_equal(epoch(again)[0], second_x)
    rng_seeded = timeseries_dataset_from_array(data, None, 6, sequence_stride=2, batch_size=5,
                                               shuffle=True, seed=np.random.default_rng(3))
    np.testing.assert_array_equal(np.concatenate(list(rng_seeded)), shuffled_x)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"sequence_length": 61}, ValueError,
     (r"a window of sequence_length=61 rows every sampling_rate=1 spans 61 rows, more than the 60 rows "
     r"of data from start_index=0 to end_index=60")),
    ({"sequence_length": 11, "sampling_rate": 3, "start_index": 40}, ValueError,
     r"a window of .* spans 31 rows, more than the 20 rows of data from start_index=40"),
    ({"sequence_length": 0}, ValueError, r"sequence_length must be a positive integer, got 0"),
    ({"sequence_stride": -1}, ValueError, r"sequence_stride must be a positive integer"),
    ({"sampling_rate": 0}, ValueError, r"sampling_rate must be a positive integer"),
    ({"batch_size": 0}, ValueError, r"batch_size must be an int >= 1 or None, got 0"),
    ({"start_index": 60}, ValueError, r"start_index must be below the 60 rows of data"),
    ({"start_index": -1}, ValueError, r"start_index must be an int >= 0, got -1"),
    ({"end_index": 61}, ValueError, r"end_index must be in \(0, 60\]"),
    ({"start_index": 10, "end_index": 10}, ValueError, r"end_index must be in \(10, 60\]"),
    ({"targets": np.zeros(5), "start_index": 5}, ValueError,
     r"targets has 5 entries, none for the window that starts at start_index=5"),
    ({"data": np.array(["a", "b"])}, TypeError, r"data must be numeric, got dtype <U1"),
    ({"data": np.zeros((0, 3))}, ValueError, r"data must have a time axis"),
    ({"shuffle": 1}, TypeError, r"shuffle must be True or False"),
])
def test_window_arguments_are_checked(kwargs, error, message):
    args = {"data": _series(), "targets": None, "sequence_length": 5, **kwargs}
    with pytest.raises(error, match=f"^timeseries_dataset_from_array: {message}"):
        timeseries_dataset_from_array(**args)


def test_batch_index_errors():
    ds = TimeseriesDataset(_series(), None, 5, batch_size=10)
    assert len(ds) == 6
    with pytest.raises(IndexError, match="batch 6 is out of range for 6 batches"):
        ds[6]
    with pytest.raises(TypeError, match="index must be an int"):
        ds[1.0]


# ------------------------------------------------------- the book's generator
def _rows_of(samples: np.ndarray, step: int) -> np.ndarray:
    """The "present" row i of each sample: its last row is i − step (column 0 is 10·row)."""
    return (samples[:, -1, 0] / 10).astype(int) + step


def test_book_generator_in_order_matches_slices_and_wraps_as_the_listing():
    data = _series(100, 3)
    lookback, step, delay = 12, 3, 5
    gen = generator(data, lookback, delay, min_index=0, max_index=42, batch_size=10,
                    step=step)
    # rows 12..21, 22..31; then i + batch_size = 32 + 10 >= 42, so back to 12: the listing
    # never uses rows 32..41, although they would fill a whole batch
    expected_rows = [range(12, 22), range(22, 32)] * 3
    for rows in expected_rows:
        samples, targets = next(gen)
        assert samples.shape == (10, lookback // step, 3)
        assert _rows_of(samples, step).tolist() == list(rows)
        for j, i in enumerate(rows):
            np.testing.assert_array_equal(samples[j], data[i - lookback:i:step])
            assert targets[j] == data[i + delay][1]


def test_book_generator_with_a_range_shorter_than_a_batch_repeats_it_whole():
    data = _series(30, 2)
    gen = generator(data, lookback=6, delay=2, min_index=4, max_index=14, batch_size=8, step=2)
    for _ in range(3):
        samples, targets = next(gen)
        assert _rows_of(samples, 2).tolist() == list(range(10, 14))
        np.testing.assert_array_equal(targets, data[12:16, 1])


def test_book_generator_default_max_index_and_target_column():
    data = _series(50, 4)
    gen = generator(data, lookback=4, delay=3, min_index=0, max_index=None, batch_size=100,
                    step=1, target_column=2)
    samples, targets = next(gen)  # rows 4 .. 45 (max_index = 50 − 3 − 1), fewer than a batch
    assert _rows_of(samples, 1).tolist() == list(range(4, 46))
    np.testing.assert_array_equal(targets, data[7:49, 2])


def test_book_generator_shuffled_rows_are_reproducible_slices():
    data = _series(300, 3).astype("float32")
    lookback, step, delay = 24, 6, 4
    first, again, other = (generator(data, lookback, delay, min_index=50, max_index=250,
                                     shuffle=True, batch_size=64, step=step, seed=seed)
                           for seed in (1, 1, 2))
    for _ in range(5):
        samples, targets = next(first)
        assert samples.dtype == np.float32 and samples.shape == (64, 4, 3)
        rows = _rows_of(samples, step)
        assert rows.min() >= 50 + lookback and rows.max() < 250
        for j, i in enumerate(rows):
            np.testing.assert_array_equal(samples[j], data[i - lookback:i:step])
            assert targets[j] == data[i + delay][1]
        np.testing.assert_array_equal(next(again)[0], samples)
        assert not np.array_equal(next(other)[0], samples)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"lookback": 120}, ValueError,
     (r"lookback=120 rows from min_index=0 leave no row before max_index=100 \(the first row "
     r"with a full window is 120\)")),
    ({"min_index": 90, "lookback": 12}, ValueError, r"lookback=12 rows from min_index=90 leave no row before max_index=100"),
    ({"delay": 30}, ValueError,
     (r"delay=30 after the last row max_index - 1 = 99 is row 129, past the end of data "
     r"\(120 rows\); lower max_index to at most 90")),
    ({"max_index": None, "delay": 130}, ValueError, r"max_index must be an int >= 1"),
    ({"lookback": 10, "step": 4}, ValueError,
     r"lookback must be a multiple of step .* got lookback=10, step=4"),
    ({"lookback": 0}, ValueError, r"lookback must be a positive integer, got 0"),
    ({"step": 0}, ValueError, r"step must be a positive integer, got 0"),
    ({"batch_size": -5}, ValueError, r"batch_size must be a positive integer, got -5"),
    ({"delay": -1}, ValueError, r"delay must be an int >= 0, got -1"),
    ({"min_index": -2}, ValueError, r"min_index must be an int >= 0, got -2"),
    ({"target_column": 3}, ValueError, r"target_column must be below the 3 columns of data"),
    ({"data": np.arange(120.0)}, ValueError, r"data must be 2-D \(rows, features\)"),
    ({"shuffle": "yes"}, TypeError, r"shuffle must be True or False"),
])
def test_book_generator_arguments_are_checked_when_it_is_made(kwargs, error, message):
    args = {"data": _series(120, 3), "lookback": 12, "delay": 6, "min_index": 0,
            "max_index": 100, "step": 6, **kwargs}
    with pytest.raises(error, match=f"^generator: {message}"):
        generator(**args)  # no next(): the checks run before the first batch


def test_the_module_imports_no_neural_code():
    """seqlab.datasets imports no layers, models or kernels (the design's import rule)."""
    import ast
    import inspect

    import seqlab.datasets.timeseries as module

    seqlab_imports = set()
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if isinstance(node, ast.ImportFrom) and node.module.startswith("seqlab"):
            seqlab_imports |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            seqlab_imports |= {a.name for a in node.names if a.name.startswith("seqlab")}
    assert seqlab_imports == {"seqlab.checks", "seqlab.random.SeedLike",
                              "seqlab.random.make_rng"}
