"""seqlab.kernels."""
