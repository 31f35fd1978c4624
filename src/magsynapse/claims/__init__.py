"""The article's claims, audited: each judged from the study's results on a fixed verdict
scale, with its numbers, reason, caveats and evidence (docs/claims.md)."""

from .audit import CAVEATS, CLAIMS, ORDER, VERDICTS, Assessment, Claim, Finding, audit
from .table import load_results, to_dataset, to_records

__all__ = [
    "CAVEATS",
    "CLAIMS",
    "ORDER",
    "VERDICTS",
    "Assessment",
    "Claim",
    "Finding",
    "audit",
    "load_results",
    "to_dataset",
    "to_records",
]
