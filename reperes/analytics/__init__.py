"""Analytics: the indicators of ``docs/indicateurs.md`` and the disclosure control of their outputs.

Pure Python (Polars, NumPy): this package imports nothing from Django, so the
command line, the web views and the documents compute every figure the same
way.
"""
