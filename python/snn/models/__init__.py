"""Ready-made networks built on the snn engine: Diehl & Cook (2015), Brunel (2000) with NEST's
brunel_delta parameters, Izhikevich (2007)'s distal-reward network, and Zenke et al. (2015)'s memory network."""
from .brunel import BrunelDelta
from .diehl_cook import DiehlAndCook2015
from .izhikevich2007 import Izhikevich2007
from .zenke2015 import Zenke2015

__all__ = ["BrunelDelta", "DiehlAndCook2015", "Izhikevich2007", "Zenke2015"]
