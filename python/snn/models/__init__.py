"""Ready-made networks built on the snn engine: Diehl & Cook (2015), Brunel (2000) with NEST's
brunel_delta parameters, and Izhikevich (2007)'s distal-reward network."""
from .brunel import BrunelDelta
from .diehl_cook import DiehlAndCook2015
from .izhikevich2007 import Izhikevich2007

__all__ = ["BrunelDelta", "DiehlAndCook2015", "Izhikevich2007"]
