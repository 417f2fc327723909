"""seqlab.optim."""
