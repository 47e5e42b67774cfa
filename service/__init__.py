"""crossfact: cross-reference claims across news articles."""

__version__ = "0.1.0"
