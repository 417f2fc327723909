"""The version of seqlab (saved into model files)."""

__version__ = "0.1.0"
