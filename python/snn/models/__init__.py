"""Ready-made networks built on the snn engine."""
from .diehl_cook import DiehlAndCook2015

__all__ = ["DiehlAndCook2015"]
