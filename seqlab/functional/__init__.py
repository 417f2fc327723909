"""seqlab.functional."""
