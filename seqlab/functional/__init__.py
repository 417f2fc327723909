"""seqlab.functional: the reference kernels, each forward beside its backward.

A forward returns ``(out, cache)`` and its backward takes ``(dout, cache)``
(activations are the exception: their output is their cache). Every kernel
in :mod:`seqlab.kernels` is a compiled twin of one of these, tested equal.

    activations   tanh, sigmoid, hard_sigmoid, relu, linear, softmax and their derivatives
    dense         y = x W + b
    dropout       y = x ⊙ m / (1 − rate)
    embedding     y = W[ids]
    losses        Keras-reduced losses and their gradients
    conv          1D convolution (im2col)
    pooling       1D max/average pooling, global pooling with masks
    recurrent     SimpleRNN, LSTM, GRU time loops and BPTT (caches: recurrent_cache)
    word2vec      one SGD job of CBOW / skip-gram with negative sampling
"""

from seqlab.functional.activations import (
    ACTIVATIONS,
    activation_backward,
    activation_forward,
    get_activation,
    hard_sigmoid,
    hard_sigmoid_backward,
    linear,
    linear_backward,
    relu,
    relu_backward,
    sigmoid,
    sigmoid_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)
from seqlab.functional.conv import ConvGeometry, conv1d, conv1d_backward, conv_geometry
from seqlab.functional.dense import dense, dense_backward
from seqlab.functional.dropout import dropout, dropout_backward, dropout_mask
from seqlab.functional.embedding import as_ids, embedding, embedding_backward, scatter_add_rows
from seqlab.functional.losses import (
    binary_crossentropy,
    binary_crossentropy_backward,
    categorical_crossentropy,
    categorical_crossentropy_backward,
    mean_absolute_error,
    mean_absolute_error_backward,
    mean_squared_error,
    mean_squared_error_backward,
    sparse_categorical_crossentropy,
    sparse_categorical_crossentropy_backward,
)
from seqlab.functional.pooling import (
    average_pool1d,
    average_pool1d_backward,
    global_average_pool1d,
    global_average_pool1d_backward,
    global_max_pool1d,
    global_max_pool1d_backward,
    max_pool1d,
    max_pool1d_backward,
)
from seqlab.functional.recurrent import (
    gru_backward,
    gru_forward,
    input_backward,
    input_projection,
    lstm_backward,
    lstm_forward,
    simple_rnn_backward,
    simple_rnn_forward,
)
from seqlab.functional.recurrent_cache import (
    GRUCache,
    LSTMCache,
    SimpleRNNCache,
    recurrent_delta,
    recurrent_weight_grad,
)
from seqlab.functional.word2vec import NoiseTable, train_job

__all__ = [
    "ACTIVATIONS",
    "ConvGeometry",
    "GRUCache",
    "LSTMCache",
    "NoiseTable",
    "SimpleRNNCache",
    "activation_backward",
    "activation_forward",
    "as_ids",
    "average_pool1d",
    "average_pool1d_backward",
    "binary_crossentropy",
    "binary_crossentropy_backward",
    "categorical_crossentropy",
    "categorical_crossentropy_backward",
    "conv1d",
    "conv1d_backward",
    "conv_geometry",
    "dense",
    "dense_backward",
    "dropout",
    "dropout_backward",
    "dropout_mask",
    "embedding",
    "embedding_backward",
    "get_activation",
    "global_average_pool1d",
    "global_average_pool1d_backward",
    "global_max_pool1d",
    "global_max_pool1d_backward",
    "gru_backward",
    "gru_forward",
    "hard_sigmoid",
    "hard_sigmoid_backward",
    "input_backward",
    "input_projection",
    "linear",
    "linear_backward",
    "lstm_backward",
    "lstm_forward",
    "max_pool1d",
    "max_pool1d_backward",
    "mean_absolute_error",
    "mean_absolute_error_backward",
    "mean_squared_error",
    "mean_squared_error_backward",
    "recurrent_delta",
    "recurrent_weight_grad",
    "relu",
    "relu_backward",
    "scatter_add_rows",
    "sigmoid",
    "sigmoid_backward",
    "simple_rnn_backward",
    "simple_rnn_forward",
    "softmax",
    "softmax_backward",
    "sparse_categorical_crossentropy",
    "sparse_categorical_crossentropy_backward",
    "tanh",
    "tanh_backward",
    "train_job",
]
