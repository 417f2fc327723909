"""seqlab.layers."""
