"""Moved to :mod:`reperes.analytics.period_publication` (issue 24: the analyses, the benchmark and the
evaluation read the period's publication, and may not import the reports above them).

Kept only for ``reports/builder.py`` until issue-24a's chapters import the new home; remove it then.
"""

from reperes.analytics.period_publication import *  # noqa: F403
from reperes.analytics.period_publication import IND, build, nested_failures  # noqa: F401
