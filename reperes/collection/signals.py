"""What the import layer tells the layers above it, without importing them.

``rows_stored`` is sent after an upload stored rows; the analyses connect to it
(``reperes.analyses.apps``) to prepare their pages while the user reads the report.
"""

from django.dispatch import Signal

rows_stored = Signal()  # sender: the ImportRun that stored rows
