"""seqlab.datasets: public datasets and the batches made from them (no neural code)."""
