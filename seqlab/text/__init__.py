"""seqlab.text."""
