"""seqlab.report."""
