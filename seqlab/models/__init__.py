"""seqlab.models: Sequential, the functional Model, training and saving (callbacks: :mod:`seqlab.callbacks`)."""

from seqlab.models.functional import Model
from seqlab.models.model_file import ModelFileError
from seqlab.models.saving import load_model
from seqlab.models.sequential import Sequential
from seqlab.models.training import BaseModel

__all__ = [
    "BaseModel",
    "Model",
    "ModelFileError",
    "Sequential",
    "load_model",
]
