"""What the import layer tells the layers above it, without importing them.

``rows_stored`` is sent after an upload or a ``reperes import`` stored rows (with ``progress``, a function
that prints what is being done, on the command line); the analyses connect to it (``reperes.analyses.apps``)
to prepare their pages while the user reads the report.
``rows_deleted`` is sent once a deletion of parcours (a person's, the retention
purge) or an undo is committed: the analyses delete what they kept of the rows.
"""

from django.dispatch import Signal

rows_stored = Signal()  # sender: the ImportRun class; run: the run that stored rows; progress: optional
rows_deleted = Signal()  # sender: the function that deleted them
