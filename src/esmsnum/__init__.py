"""ESMS numérique: the open platform of the French ESMS numérique programme."""

__version__ = "0.1.0"
