"""seqlab.models."""
