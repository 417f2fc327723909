"""seqlab.keras: Keras 2's layout, defaults and deprecated generator methods."""

import subprocess
import sys

import numpy as np
import pytest

import seqlab
from seqlab import optim
from seqlab.keras import backend, layers, models, optimizers
from seqlab.keras.models import Sequential


def test_gru_and_lstm_take_keras_2_defaults_and_stay_seqlab_layers():
    gru = layers.GRU(4)
    assert isinstance(gru, seqlab.layers.GRU)
    assert (gru.reset_after, gru.recurrent_activation) == (False, "hard_sigmoid")
    lstm = layers.LSTM(4, recurrent_activation="sigmoid")
    assert isinstance(lstm, seqlab.layers.LSTM) and lstm.recurrent_activation == "sigmoid"
    assert layers.LSTM(4).recurrent_activation == "hard_sigmoid"
    gru.build((None, None, 3))
    assert gru.bias.shape == (12,)  # one bias row: Keras 2's reset_after=False


def test_rmsprop_step_is_keras_2s():
    opt = optimizers.RMSprop(lr=0.1)
    assert (opt.learning_rate, opt.epsilon, opt.epsilon_inside_sqrt) == (0.1, 1e-8, False)
    w = seqlab.layers.Parameter("w", np.array([1.0, 2.0]))
    g = np.array([0.5, -1e-5])
    w.grad[...] = g
    opt.apply([w])
    v = 0.1 * g ** 2
    np.testing.assert_allclose(w.value, [1.0, 2.0] - 0.1 * g / (np.sqrt(v) + 1e-8))


def test_keras_2_defaults_of_each_optimizer():
    assert optimizers.SGD().learning_rate == 0.01
    adam = optimizers.Adam()
    assert (adam.learning_rate, adam.epsilon) == (0.001, 1e-8)
    adagrad = optimizers.Adagrad()
    assert (adagrad.learning_rate, adagrad.initial_accumulator_value) == (0.01, 0.0)


def test_lr_is_the_name_here_and_learning_rate_is_accepted():
    assert optimizers.RMSprop(lr=1e-4).learning_rate == 1e-4  # no warning (errors here)
    assert optimizers.Adam(learning_rate=0.02).learning_rate == 0.02
    with pytest.raises(ValueError, match="give one of them"):
        optimizers.SGD(lr=0.1, learning_rate=0.2)


def test_decay_is_keras_2s_inverse_time_decay():
    opt = optimizers.SGD(lr=0.5, decay=0.25)
    assert opt.get_config()["learning_rate"]["class_name"] == "InverseTimeDecay"
    w = seqlab.layers.Parameter("w", np.zeros(1))
    rates = []
    for _ in range(5):  # lr / (1 + decay · iterations), iterations counted before the update
        rates.append(opt.learning_rate)
        w.grad[...] = 1.0
        opt.apply([w])
    np.testing.assert_allclose(rates, [0.5 / (1 + 0.25 * t) for t in range(5)])
    np.testing.assert_allclose(w.value, [-sum(rates)])
    with pytest.raises(ValueError, match="decay must be"):
        optimizers.SGD(decay=-1)
    with pytest.raises(TypeError, match="not both"):
        optimizers.SGD(lr=optim.InverseTimeDecay(0.1, 1, 1), decay=0.1)


def test_compile_with_a_name_gets_keras_2_defaults():
    model = Sequential([layers.Dense(1, input_shape=(2,))])
    model.compile(optimizer="rmsprop", loss="mse")
    assert isinstance(model.optimizer, optim.RMSprop)
    assert not model.optimizer.epsilon_inside_sqrt and model.optimizer.epsilon == 1e-8
    core = seqlab.Sequential([seqlab.layers.Dense(1, input_shape=(2,))])
    core.compile(optimizer="rmsprop", loss="mse")
    assert core.optimizer.epsilon_inside_sqrt


def _batches(x, y, size):
    while True:
        for i in range(0, len(x), size):
            yield x[i:i + size], y[i:i + size]


def _model(seed):
    model = Sequential([layers.Dense(1, input_shape=(3,), seed=seed)])
    model.compile(optimizers.SGD(lr=0.1), "mse")
    return model


def test_generator_methods_are_deprecated_aliases():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(12, 3)), rng.normal(size=(12, 1))
    old, new = _model(1), _model(1)
    with pytest.deprecated_call(match="fit_generator is deprecated: fit takes generators"):
        hist = old.fit_generator(_batches(x, y, 4), steps_per_epoch=3, epochs=2, verbose=0,
                                 validation_data=_batches(x, y, 6), validation_steps=2,
                                 workers=4, use_multiprocessing=True, max_queue_size=3)
    expected = new.fit(_batches(x, y, 4), steps_per_epoch=3, epochs=2, verbose=0,
                       validation_data=_batches(x, y, 6), validation_steps=2)
    assert hist.history == expected.history
    with pytest.deprecated_call(match="evaluate_generator"):
        loss = old.evaluate_generator(_batches(x, y, 4), steps=3)
    assert loss == pytest.approx(new.evaluate(x, y, verbose=0))
    with pytest.deprecated_call(match="predict_generator"):
        out = old.predict_generator(_batches(x, y, 5), steps=2)
    np.testing.assert_allclose(out, new.predict(x[:10]), rtol=1e-5, atol=1e-6)


def test_functional_model_has_the_same_methods():
    inp = seqlab.Input((3,))
    model = models.Model(inputs=inp, outputs=layers.Dense(2)(inp))
    assert isinstance(model, seqlab.Model) and hasattr(model, "fit_generator")
    assert model.name.startswith("model")


def test_save_and_load_keep_the_keras_2_class(tmp_path):
    model = Sequential()
    model.add(layers.Embedding(20, 4, input_length=5))
    model.add(layers.GRU(3))
    model.compile("rmsprop", "mse")
    path = tmp_path / "m.seqlab"
    model.save(path)
    again = models.load_model(path)
    assert type(again) is Sequential and again.name == model.name
    assert type(seqlab.load_model(path)) is seqlab.Sequential
    assert not again.optimizer.epsilon_inside_sqrt
    ids = np.arange(10).reshape(2, 5)
    np.testing.assert_array_equal(again.predict(ids), model.predict(ids))


def test_clear_session_restarts_automatic_names():
    backend.clear_session()
    first = Sequential([layers.Dense(1)])
    backend.clear_session()
    second = Sequential([layers.Dense(1)])
    assert first.name == second.name == "sequential"
    assert first.layers[0].name == second.layers[0].name == "dense"


def test_keras_is_never_imported():
    code = ("import sys, seqlab.keras, seqlab.keras.preprocessing.text; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('keras', 'keras_preprocessing', 'tensorflow', 'torch', 'matplotlib', 'h5py')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
