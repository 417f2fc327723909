"""seqlab.layers: the chapter's layers, Keras names and weight layouts."""

from seqlab.layers.attention import AdditiveAttention, Attention
from seqlab.layers.base import Layer, Parameter, deserialize, serialize
from seqlab.layers.bidirectional import Bidirectional
from seqlab.layers.conv import Conv1D
from seqlab.layers.core import Activation, Dense, Dropout, Flatten, RepeatVector, Reshape
from seqlab.layers.embedding import Embedding
from seqlab.layers.merge import Add, Average, Concatenate, Dot, Multiply, Subtract
from seqlab.layers.pooling import (
    AveragePooling1D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)
from seqlab.layers.recurrent import RNNBase
from seqlab.layers.rnn_cells import GRU, LSTM, SimpleRNN
from seqlab.layers.symbolic import Input, InputLayer, SymbolicTensor
from seqlab.layers.wrappers import TimeDistributed

__all__ = [
    "GRU",
    "LSTM",
    "Activation",
    "Add",
    "AdditiveAttention",
    "Attention",
    "Average",
    "AveragePooling1D",
    "Bidirectional",
    "Concatenate",
    "Conv1D",
    "Dense",
    "Dot",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling1D",
    "GlobalMaxPooling1D",
    "Input",
    "InputLayer",
    "Layer",
    "MaxPooling1D",
    "Multiply",
    "Parameter",
    "RNNBase",
    "RepeatVector",
    "Reshape",
    "SimpleRNN",
    "Subtract",
    "SymbolicTensor",
    "TimeDistributed",
    "deserialize",
    "serialize",
]
