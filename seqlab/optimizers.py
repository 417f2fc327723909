"""``seqlab.optimizers``: the Keras name for :mod:`seqlab.optim`."""

from seqlab.optim import *
from seqlab.optim import __all__  # noqa: F401
