"""What the import layer tells the layers above it, without importing them.

``rows_stored`` is sent after an upload stored rows; the analyses connect to it
(``reperes.analyses.apps``) to prepare their pages while the user reads the report.
``rows_deleted`` is sent once a deletion of parcours (a person's, the retention
purge) or an undo is committed: the analyses delete what they kept of the rows.
"""

from django.dispatch import Signal

rows_stored = Signal()  # sender: the ImportRun that stored rows
rows_deleted = Signal()  # sender: the function that deleted them
