"""fit, evaluate and predict on batches from generators, Sequences and lists of
batches: the same training as arrays, Keras' epoch and step rules, and errors
that name the epoch and the step."""

from __future__ import annotations

import numpy as np
import pytest

import seqlab
from seqlab.callbacks import Callback
from seqlab.datasets.timeseries import generator, timeseries_dataset_from_array
from seqlab.layers import GRU
from seqlab.layers.core import Dense
from seqlab.models import Sequential
from seqlab.optim import SGD

N, FEATURES, BATCH = 50, 4, 16


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(N, FEATURES))
    return x, x @ np.array([[1.0], [-2.0], [0.5], [0.0]]) + 0.1 * rng.normal(size=(N, 1))


def _model(seen: list[np.ndarray] | None = None) -> Sequential:
    """A float64 two-layer regressor; with ``seen``, it records each training batch's x."""

    class Probe(Dense):
        def call(self, inputs, training=False, mask=None, **kwargs):
            if training and seen is not None:
                seen.append(np.array(inputs, copy=True))
            return super().call(inputs, training=training, mask=mask, **kwargs)

    seqlab.set_random_seed(0)
    model = Sequential([Probe(5, activation="tanh", input_shape=(FEATURES,), dtype="float64"),
                        Dense(1, dtype="float64")])
    model.compile(SGD(learning_rate=0.05), "mse")
    return model


def _batches(x, y, size=BATCH):
    return [(x[i:i + size], y[i:i + size]) for i in range(0, len(x), size)]


def _forever(batches):
    while True:
        yield from batches


class ListSequence:
    """A Sequence (len + getitem + on_epoch_end) over a list of batches that logs its use."""

    def __init__(self, batches, log: list[str] | None = None, name: str = "seq"):
        self.batches, self.log, self.name = batches, log if log is not None else [], name

    def __len__(self):
        return len(self.batches)

    def __getitem__(self, i):
        self.log.append(f"{self.name}[{i}]")
        return self.batches[i]

    def on_epoch_end(self):
        self.log.append(f"{self.name} end")


class Log(Callback):
    def __init__(self, log: list[str]):
        super().__init__()
        self.log = log

    def on_epoch_end(self, epoch, logs=None):
        self.log.append(f"epoch {epoch} end")


def _numbered(count: int, size: int = 2):
    """Batch k has x = k everywhere, so a probe can tell which batch it saw."""
    return [(np.full((size, FEATURES), float(k)), np.zeros((size, 1))) for k in range(count)]


def _ids(seen: list[np.ndarray]) -> list[int]:
    return [int(batch[0, 0]) for batch in seen]


# ------------------------------------------------------------ same training
@pytest.mark.parametrize("kind", ["generator", "sequence", "list"])
def test_streams_train_exactly_like_arrays_on_the_same_batches(data, kind):
    x, y = data
    arrays = _model()
    expected = arrays.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    streamed = _model()
    if kind == "generator":
        history = streamed.fit(_forever(_batches(x, y)), steps_per_epoch=4, epochs=2, verbose=0)
    elif kind == "sequence":
        history = streamed.fit(ListSequence(_batches(x, y)), epochs=2, shuffle=False, verbose=0)
    else:
        history = streamed.fit(_batches(x, y), epochs=2, shuffle=False, verbose=0)
    for got, want in zip(streamed.get_weights(), arrays.get_weights()):
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)
    assert history.history == expected.history
    assert arrays.get_weights()[0].tolist() != _model().get_weights()[0].tolist()  # it trained


def test_the_books_weather_code_runs_as_written():
    """The 1st edition's listing: infinite generators, steps and validation steps."""
    rng = np.random.default_rng(0)
    hours = np.arange(2000)
    float_data = np.stack([np.sin(hours / 24) + 0.1 * rng.normal(size=2000),
                           np.cos(hours / 24), rng.normal(size=2000)], axis=1).astype("float32")
    lookback, step, delay, batch_size = 48, 4, 6, 32
    train_gen = generator(float_data, lookback=lookback, delay=delay, min_index=0,
                          max_index=1200, shuffle=True, step=step, batch_size=batch_size, seed=1)
    val_gen = generator(float_data, lookback=lookback, delay=delay, min_index=1201,
                        max_index=1600, step=step, batch_size=batch_size)
    val_steps = (1600 - 1201 - lookback) // batch_size
    seqlab.set_random_seed(0)
    model = Sequential([GRU(8, input_shape=(None, float_data.shape[-1])), Dense(1)])
    model.compile(optimizer="rmsprop", loss="mae")
    history = model.fit(train_gen, steps_per_epoch=20, epochs=3, validation_data=val_gen,
                        validation_steps=val_steps, verbose=0)
    assert len(history.history["loss"]) == len(history.history["val_loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model.evaluate(val_gen, steps=val_steps, verbose=0) > 0


def test_the_second_editions_windows_train_like_the_same_windows_as_arrays():
    rng = np.random.default_rng(1)
    series = rng.normal(size=(120, FEATURES))
    delay, length = 9 + 3, 10  # target 3 rows after each window's last row
    dataset = timeseries_dataset_from_array(series[:-delay], series[delay:, :1], length,
                                            sequence_stride=2, batch_size=8)
    windows = np.stack([series[t:t + length] for t in range(0, 120 - delay - length + 1, 2)])
    targets = series[delay:120 - length + 1:2, :1]

    def make():
        seqlab.set_random_seed(0)
        model = Sequential([GRU(3, input_shape=(length, FEATURES), dtype="float64"),
                            Dense(1, dtype="float64")])
        model.compile(SGD(learning_rate=0.05), "mse")
        return model

    streamed, arrays = make(), make()
    streamed.fit(dataset, epochs=2, shuffle=False, validation_data=dataset, verbose=0)
    arrays.fit(windows, targets, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for got, want in zip(streamed.get_weights(), arrays.get_weights()):
        np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------- Sequences
def test_a_sequence_epoch_is_its_length_and_on_epoch_end_runs_once_per_epoch(data):
    x, y = data
    log: list[str] = []
    train = ListSequence(_batches(x, y), log, "train")
    val = ListSequence(_batches(x[:20], y[:20], size=8), log, "val")
    steps = []

    class Steps(Callback):
        def on_train_begin(self, logs=None):
            steps.append(self.params["steps"])

    history = _model().fit(train, epochs=2, shuffle=False, validation_data=val, verbose=0,
                           callbacks=[Steps(), Log(log)])
    one_epoch = ["train[0]", "train[1]", "train[2]", "train[3]", "train end",
                 "val[0]", "val[1]", "val[2]", "val end"]
    assert log == [*one_epoch, "epoch 0 end", *one_epoch, "epoch 1 end"]
    assert steps == [4] and history.epoch == [0, 1]


def test_shuffle_reorders_a_sequences_batches_every_epoch_from_the_seed(data):
    x, y = data
    log: list[str] = []
    _model().fit(ListSequence(_batches(x, y), log), epochs=3, seed=7, verbose=0)
    orders = [[int(entry[4]) for entry in log[i * 5:i * 5 + 4]] for i in range(3)]
    assert orders == [np.random.default_rng([7, e]).permutation(4).tolist() for e in range(3)]
    assert len({tuple(o) for o in orders}) > 1
    # with steps_per_epoch the passes run across epochs; each pass has its own order
    log.clear()
    _model().fit(ListSequence(_batches(x, y), log), steps_per_epoch=3, epochs=4, seed=7,
                 verbose=0)
    read = [int(entry[4]) for entry in log if entry != "seq end"]
    assert read == [i for p in range(3) for i in np.random.default_rng([7, p]).permutation(4)]


def test_shuffle_is_ignored_for_a_generator():
    seen: list[np.ndarray] = []
    _model(seen).fit(_forever(_numbered(5)), steps_per_epoch=5, epochs=2, shuffle=True,
                     verbose=0)
    assert _ids(seen) == [0, 1, 2, 3, 4] * 2


def test_steps_per_epoch_continues_where_the_last_epoch_stopped():
    seen: list[np.ndarray] = []
    _model(seen).fit(_forever(_numbered(7)), steps_per_epoch=3, epochs=3, verbose=0)
    assert _ids(seen) == [0, 1, 2, 3, 4, 5, 6, 0, 1]
    seen.clear()
    log: list[str] = []
    _model(seen).fit(ListSequence(_numbered(4), log), steps_per_epoch=3, epochs=3,
                     shuffle=False, verbose=0)
    assert _ids(seen) == [0, 1, 2, 3, 0, 1, 2, 3, 0]  # a new pass where one ends
    assert log.count("seq end") == 3


def test_an_iterable_without_length_restarts_with_each_pass():
    class Batches:
        def __init__(self, batches):
            self.batches = batches

        def __iter__(self):
            return iter(self.batches)

    seen: list[np.ndarray] = []
    with pytest.raises(ValueError, match="the data is an iterable, which has no length"):
        _model(seen).fit(Batches(_numbered(2)), verbose=0)
    _model(seen).fit(Batches(_numbered(2)), steps_per_epoch=3, epochs=2, verbose=0)
    assert _ids(seen) == [0, 1, 0, 1, 0, 1]


def test_validation_restarts_a_sequence_and_continues_a_generator(data):
    x, y = data
    seen_val: list[str] = []
    val_seq = ListSequence(_numbered(5), seen_val, "val")
    model = _model()
    model.fit(x, y, epochs=2, validation_data=val_seq, validation_steps=2, verbose=0)
    assert seen_val == ["val[0]", "val[1]", "val end"] * 2

    batches = [(x[i:i + 10], y[i:i + 10]) for i in range(0, N, 10)]
    history = model.fit(x, y, epochs=2, validation_data=_forever(batches), validation_steps=2,
                        verbose=0)
    # the last validation read batches 2 and 3; the weights have not moved since
    expected = model.evaluate(x[20:40], y[20:40], verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------ evaluate / predict
def test_evaluate_and_predict_read_generators_and_sequences(data):
    x, y = data
    model = _model()
    model.fit(x, y, epochs=1, verbose=0)
    batches = _batches(x, y)
    assert model.evaluate(_forever(batches), steps=2, verbose=0) == pytest.approx(
        model.evaluate(x[:32], y[:32], verbose=0), rel=1e-12)
    assert model.evaluate(ListSequence(batches), verbose=0) == pytest.approx(
        model.evaluate(x, y, verbose=0), rel=1e-12)
    full = model.predict(x)
    x_only = (bx for bx, _ in _forever(batches))
    np.testing.assert_allclose(model.predict(x_only, steps=2), full[:32], rtol=1e-12)
    np.testing.assert_allclose(model.predict(_forever(batches), steps=4), full, rtol=1e-12)
    np.testing.assert_allclose(model.predict([(bx,) for bx, _ in batches]), full, rtol=1e-12)
    np.testing.assert_allclose(model.predict(ListSequence(batches), steps=1), full[:16],
                               rtol=1e-12)


def test_evaluate_calls_on_epoch_end_and_progress_shows_the_steps(data, capsys):
    x, y = data
    log: list[str] = []
    model = _model()
    model.evaluate(ListSequence(_batches(x, y), log), verbose=1)
    assert log == ["seq[0]", "seq[1]", "seq[2]", "seq[3]", "seq end"]
    assert capsys.readouterr().out.startswith("4/4 [")
    model.fit(_forever(_batches(x, y)), steps_per_epoch=3, epochs=2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[1].startswith("3/3 [") and len(lines) == 4


# ------------------------------------------------------------------ errors
def test_a_generator_needs_a_step_count(data):
    x, y = data
    model = _model()
    with pytest.raises(ValueError, match=r"fit\(\): the data is a generator, which has no "
                                         r"length: pass steps_per_epoch="):
        model.fit(_forever(_batches(x, y)), verbose=0)
    with pytest.raises(ValueError, match="validation_steps="):
        model.fit(x, y, validation_data=_forever(_batches(x, y)), verbose=0)
    with pytest.raises(ValueError, match=r"evaluate\(\): the data is a generator.*steps="):
        model.evaluate(_forever(_batches(x, y)), verbose=0)
    with pytest.raises(ValueError, match=r"predict\(\): the data is a generator.*steps="):
        model.predict(_forever(_batches(x, y)))
    with pytest.raises(ValueError, match="steps_per_epoch must be a positive integer, got 0"):
        model.fit(_forever(_batches(x, y)), steps_per_epoch=0, verbose=0)


def _bad_second_epoch(x, y, bad):
    """Good batches for one epoch (4 steps), then ``bad`` as epoch 2's third batch."""
    batches = _batches(x, y)
    yield from batches
    yield from batches[:2]
    yield bad


@pytest.mark.parametrize("bad, error, message", [
    (lambda x, y: (x[:4], y[:4], np.ones(4), "extra"), ValueError,
     r"expected a tuple \(x, y\) or \(x, y, sample_weight\), got a tuple of 4 item\(s\)"),
    (lambda x, y: x[:4], ValueError,
     r"expected a tuple \(x, y\).*got an array of shape \(4, 4\) and dtype float64"),
    (lambda x, y: (x[:4],), ValueError, r"the batch has no targets"),
    (lambda x, y: (x[:4], np.array(["a"] * 4)), TypeError, r"y .* must be a numeric array"),
    (lambda x, y: (x[:4], y[:3]), ValueError, r"same number of samples"),
    (lambda x, y: (x[:4, :3], y[:4]), ValueError,
     r"\(batch: x \(4, 3\) float64; y \(4, 1\) float64\): layer .*last dimension 4"),
    (lambda x, y: (np.full((4, 4), np.nan), y[:4]), ValueError, r"contains 16 NaN"),
    (lambda x, y: (x[:4], y[:4], -np.ones(4)), ValueError, r"sample_weight must be finite .* >= 0"),
])
def test_a_bad_batch_mid_epoch_names_the_epoch_the_step_and_what_came(data, bad, error,
                                                                      message):
    x, y = data
    model = _model()
    with pytest.raises(error, match=r"^model 'sequential\w*' fit\(\) at epoch 2/3, step 3/4"
                                    rf"\W.*{message}"):
        model.fit(_bad_second_epoch(x, y, bad(x, y)), steps_per_epoch=4, epochs=3, verbose=0)


def test_a_generator_that_runs_out_names_the_epoch_and_step(data):
    x, y = data
    with pytest.raises(ValueError, match=r"epoch 2/3, step 1/4: the generator ran out of "
                                         r"batches after 0 of the 4 asked for.*while True"):
        _model().fit(iter(_batches(x, y)), steps_per_epoch=4, epochs=3, verbose=0)
    with pytest.raises(ValueError, match=r"evaluate\(\) at step 3/5: the generator ran out"):
        _model().evaluate(iter(_batches(x, y)[:2]), steps=5, verbose=0)


def test_array_only_arguments_are_refused_with_a_stream(data):
    x, y = data
    model = _model()
    stream = ListSequence(_batches(x, y))
    for kwargs in ({"y": y}, {"sample_weight": np.ones(N)}, {"batch_size": 8}):
        arg = next(iter(kwargs))
        with pytest.raises(ValueError, match=rf"{arg} must not be given when x is a generator"):
            model.fit(stream, verbose=0, **kwargs)
    with pytest.raises(ValueError, match="validation_split needs arrays"):
        model.fit(stream, validation_split=0.2, verbose=0)
    with pytest.raises(ValueError, match="steps_per_epoch is for data from a generator"):
        model.fit(x, y, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match="validation_steps is for data from a generator"):
        model.fit(x, y, validation_data=(x, y), validation_steps=2, verbose=0)
    with pytest.raises(ValueError, match="validation_steps needs validation_data"):
        model.fit(x, y, validation_steps=2, verbose=0)
    with pytest.raises(ValueError, match=r"validation_data must be a tuple .* got a str"):
        model.fit(x, y, validation_data="val.csv", verbose=0)


def test_sequences_with_no_batches_or_too_few_for_the_steps(data):
    x, y = data
    model = _model()
    with pytest.raises(ValueError, match=r"the Sequence has no batches \(len\(\) is 0\)"):
        model.fit(ListSequence([]), verbose=0)
    with pytest.raises(ValueError, match="steps=5 is more than the 4 batches of the Sequence"):
        model.evaluate(ListSequence(_batches(x, y)), steps=5, verbose=0)
