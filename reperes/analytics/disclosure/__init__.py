"""Disclosure control (« secret statistique »): the one gate of every figure shown to partners.

Why. Partners (comité de suivi, COPIL, published reports) must never learn
anything about fewer than ``seuil`` people. Repères applies the rule of the
French health-data platforms — *règle du secret statistique, seuil 11
appliqué par les plateformes de données de santé*: no count from 1 to 10 is
published — as the contract of ``docs/indicateurs.md`` (« Disclosure
control »). Every partner-facing table, chart, map and document, and
``reperes indicators --diffusion``, goes through this module; internal staff
views may show raw counts.

Rules, as implemented:

1. **Primary suppression.** A count ``n`` with ``0 < n < seuil`` is hidden.
   Zero is shown: knowing that nobody is concerned reveals nobody. A total
   is a count like any other: a published total below ``seuil`` is hidden.
2. **Rates.** A rate is hidden when its numerator (other than zero) or its
   denominator is below ``seuil`` — exactly the contract's rule. The
   complement of a share (97 % of 100 tells that 3 are not concerned) is not
   protected: indicateurs.md does not ask for it, and the contract is tested
   as written.
3. **Secondary suppression.** A hidden count must not be recomputable from
   what is published. Every additive relation a reader knows (the cells of a
   row add up to its total; motifs add up to their category, categories to
   the sorties…) is an equation ``total = part + part + …``. Cells are added
   to the hidden ones until a fixed point where:

   a. no equation has exactly one unknown that needs protection (the usual
      « one more cell in the row or column »);
   b. in every equation whose total is published, the hidden parts add up to
      zero or to at least ``seuil`` — otherwise their sum is itself a count
      about fewer than ``seuil`` people (``[1, 1, 50]`` of a published 52:
      hiding both 1s still tells « 2 people », hence 1 and 1, since zeros are
      always shown); nor may there be as many hidden parts as their sum
      (each would then be 1);
   c. no hidden count is determined by any combination of the equations
      (exact Gauss–Jordan elimination over the integers). In a two-way table this is
      stronger than « two hidden cells per line »: two blocks of hidden cells
      joined by a single cell let a reader recompute that cell from the
      margins of one block.

   A cell needs protection when it is hidden and not zero, or when it is
   never shown but would reveal fewer than ``seuil`` people if recomputed
   (an unpublished margin, a complement, a remainder). Secondary cells are
   protected like primary ones, so that the published table does not even
   tell which hidden cells are the small ones.
4. **Choice of the extra cell** (deterministic, so that a report is
   reproducible): the cheapest figure first — inner cells before subtotals
   before totals — then the one that fixes another line rather than opening
   a new one, then the smallest value, then the order of the table.

Every hidden cell reads ``s`` (secret statistique, see
:func:`reperes.formats.suppressed`), primary or secondary, so that no one
can tell which ones are small; :func:`legend` says so in one sentence
(« s : effectif inférieur à 11, ou masqué pour en protéger un autre »). In
machine output a hidden value is ``null`` and its dotted path is listed in
the top-level ``"secret"``.

The protected objects never keep a hidden value: a template cannot leak what
it does not receive.

Layout of the package (one concept a module):

- :mod:`.engine` — figures and identities (``_System``), primary and
  secondary suppression, exact elimination;
- :mod:`.cells` — :class:`Cell`, the mark ``s`` and its note, rates;
- :mod:`.tables` — one table on its own (:func:`protect_counts`,
  :func:`protect_table`);
- :mod:`.indicators` — the relations inside the indicators' payload;
- :mod:`.publication` — **one protected publication**: :class:`Publication`,
  :func:`protect` → :class:`Protected`, what every partner output reads;
- :mod:`.audit` — :func:`audit`, the attacker's integer programme (HiGHS),
  and :func:`compare_nested` for differencing between allowed answers;
- :mod:`.answers` — what a partner may ask (whole calendar years, no
  profile filter): :func:`whole_year` (a page), :func:`whole_years` (a report, ``--diffusion``).
"""

from .answers import PROFILE_FILTER_REFUSED, whole_year, whole_years
from .audit import AuditResult, Interval, audit, compare_nested
from .cells import Cell, display, legend, protect_rate, rate_cell
from .engine import RELATIVE_TOLERANCE, SEUIL_PAR_DEFAUT, DisclosureError
from .indicator_rules import (
    BREAKDOWNS,
    BY_SEX_COUNTS,
    BY_SEX_KEYS,
    BY_SEX_RATES,
    COUNTS,
    DENOMINATORS,
    HEADLINE_TOTALS,
    KNOWN_INDICATORS,
    PER_CAPITA,
    PREFIX,
    RATES,
    STATISTICS,
    Rate,
    indicator_cell,
)
from .protected_tables import ProtectedCounts, ProtectedTable, protect_counts, protect_table
from .publication import Protected, Publication, protect, protect_indicators

__all__ = [
    "BREAKDOWNS", "BY_SEX_COUNTS", "BY_SEX_KEYS", "BY_SEX_RATES", "COUNTS", "DENOMINATORS", "HEADLINE_TOTALS",
    "KNOWN_INDICATORS", "PER_CAPITA", "PREFIX", "RATES", "RELATIVE_TOLERANCE", "SEUIL_PAR_DEFAUT", "STATISTICS",
    "AuditResult", "Cell", "DisclosureError", "Interval", "Protected", "ProtectedCounts", "ProtectedTable",
    "Publication", "Rate", "audit", "compare_nested", "display", "indicator_cell", "legend", "protect",
    "protect_counts", "protect_indicators", "protect_rate", "protect_table", "rate_cell",
    "PROFILE_FILTER_REFUSED", "whole_year", "whole_years",
]
