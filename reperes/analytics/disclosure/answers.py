"""What a partner may ask: answers that are protected together, so that none can be subtracted from another.

Design (docs/secret-statistique.md). A partner page or export answers only for
one **whole calendar year** — the period of the partner publications
(the report, ``reperes indicators --diffusion``) — never for an arbitrary
period: « 2019 » minus « 1 January – 30 December 2019 » would give the exits of
31 December. **Profiles and EPCI** are not filters for partners: each group is
a row of a breakdown, protected with its complement and its total in one
table, so « everybody » minus « QPV : non » is never a second answer.
"""

from __future__ import annotations

import datetime as dt


def whole_year(debut: dt.date, fin: dt.date) -> tuple[dt.date, dt.date, str | None]:
    """The calendar year a partner gets for ``[debut, fin]``, and a French message when it is not what was asked."""
    year = debut.year
    answer = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    if (debut, fin) == answer:
        return *answer, None
    return (*answer, f"Pour les partenaires, les chiffres portent sur une année civile entière (secret "
                     f"statistique : deux périodes emboîtées ne doivent pas pouvoir être soustraites) : "
                     f"l'année {year} est affichée.")


def whole_years(debut: dt.date, fin: dt.date) -> tuple[dt.date, dt.date, str | None]:
    """The whole calendar years a partner output covers for ``[debut, fin]`` (1 January of the first, 31 December
    of the last), and a French message when it is not what was asked (reports, ``indicators --diffusion``)."""
    answer = (dt.date(debut.year, 1, 1), dt.date(fin.year, 12, 31))
    if (debut, fin) == answer:
        return *answer, None
    return (*answer, "Pour les partenaires, les chiffres portent sur des années civiles entières, du 1er janvier "
                     "au 31 décembre (secret statistique : deux périodes emboîtées ne doivent pas pouvoir être "
                     "soustraites).")


PROFILE_FILTER_REFUSED = (
    "Pour les partenaires, un profil ou une intercommunalité ne filtre pas la page (secret statistique : "
    "« tous » moins « un groupe » redonnerait le complément) ; chaque groupe se lit dans les tableaux par "
    "profil, protégés avec leur total. Tous les participants sont affichés.")
