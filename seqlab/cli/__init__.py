"""The `seqlab` command line."""
