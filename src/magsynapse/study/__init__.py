"""The default study: every chapter of ``make run`` and its report.

The synapse, the body, networks, the slow layer and people, each a chapter of figures and
tables; the claims audit and a summary first; rendered in every language asked for
(``report.html``, ``report.hi.html``). ``plan="quick"`` runs the same chapters with small
sizes.
"""

from .report import run_study

__all__ = ["run_study"]
