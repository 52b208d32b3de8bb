"""Benchmark of PLIE: the open indicator sheet (``fiche PLIE``), its import, export and comparison.

Contract: ``docs/fiche-plie.md``. Pure parts (no Django): :mod:`.indicators`,
:mod:`.sheets` (reading and validating a file). Django parts: :mod:`.models`,
:mod:`.services` (import, own sheet, compare, ``resolve``), views and the CLI
(``reperes benchmark``).
"""
