"""The evaluation register: questions → constats (with their evidence) → préconisations → committees.

Start with ``models.py`` (what is stored), ``exchange.py`` (the evaluation file of
``docs/evaluation.md``: validation, import, export) and ``evidence.py`` (how a
piece of evidence is resolved now from the analytics and the offer matrix).
"""
