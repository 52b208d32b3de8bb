"""Moved to :mod:`reperes.analytics.territory_cells` (issue 24, see ``reperes.reports.publication``).

Kept only for the report modules of issue-24a until they import the new home; remove it then.
"""

from reperes.analytics.territory_cells import *  # noqa: F403
