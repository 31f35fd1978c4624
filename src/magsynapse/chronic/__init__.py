"""Chronic regimens: the body, the slow layer and network sessions over weeks.

The scale above the network: it alternates body pharmacokinetics, the slow states
(:mod:`magsynapse.slow`) and periodic sessions of the memory network built from them.

>>> from magsynapse.chronic import chronic
>>> ds = chronic("rat", mg_clamp=1.2, days=1, sessions=[1], pathways="homeostasis")
>>> bool(ds.f_2b.sel(arm="treated").isel(time=-1) > 0.5)
True
"""

from .run import QUANTILES, SESSION_STATES, TIME_COURSE, SessionProtocol, chronic

__all__ = ["QUANTILES", "SESSION_STATES", "TIME_COURSE", "SessionProtocol", "chronic"]
