"""seqlab.trace."""
