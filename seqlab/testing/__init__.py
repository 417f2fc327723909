"""Helpers for checking layers and kernels: gradient checks usable on your own layers."""

from seqlab.testing.gradcheck import (
    GradcheckError,
    check_function,
    check_layer,
    compare,
    numerical_gradient,
)

__all__ = ["GradcheckError", "check_function", "check_layer", "compare", "numerical_gradient"]
