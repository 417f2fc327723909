"""seqlab: deep learning for text and sequences, from the equations up."""

from seqlab.config import floatx, kernels, set_floatx, set_kernels, use_floatx, use_kernels
from seqlab.random import set_random_seed

__version__ = "0.1.0"

__all__ = [
    "floatx",
    "kernels",
    "set_floatx",
    "set_kernels",
    "set_random_seed",
    "use_floatx",
    "use_kernels",
]
