"""seqlab.models: Sequential, the functional Model, training, callbacks, saving."""

from seqlab.models.callbacks import (
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TerminateOnNaN,
)
from seqlab.models.functional import Model
from seqlab.models.model_file import ModelFileError
from seqlab.models.progress import ProgbarLogger, ProgressBar
from seqlab.models.saving import load_model
from seqlab.models.sequential import Sequential
from seqlab.models.training import BaseModel

__all__ = [
    "BaseModel",
    "CSVLogger",
    "Callback",
    "EarlyStopping",
    "History",
    "Model",
    "ModelCheckpoint",
    "ModelFileError",
    "ProgbarLogger",
    "ProgressBar",
    "ReduceLROnPlateau",
    "Sequential",
    "TerminateOnNaN",
    "load_model",
]
