"""seqlab.embeddings."""
