"""The référentiel: every code, label and category of Repères, defined once.

Pure Python (no Django): imported by the import core, the analytics package,
forms, templates and reports alike.
"""

from .codes import *  # noqa: F403
from .codes import CODE_LISTS, Code, CodeList, fold  # noqa: F401
from .tables import IDENTIFYING_COLUMNS, TABLES, Column, Table  # noqa: F401
