"""The main navigation: one list, filtered by permission and by the URLs that exist.

Each domain adds its entry here (label, URL name, permission). An entry whose
URL does not exist (yet) is left out, so the menu never shows a dead link.
"""

from django.urls import NoReverseMatch, reverse

# (label, url name, permission)
NAV = (
    ("Tableau de bord", "dashboard:home", "view_aggregates"),
    ("Analyses", "analyses:home", "view_aggregates"),
    ("Territoire", "offer:territory", "view_aggregates"),
    ("Offre", "offer:home", "view_aggregates"),
    ("Comparer", "benchmark:home", "view_aggregates"),
    ("Enquêtes", "surveys:home", "run_analyses"),
    ("Livrables", "reports:home", "run_analyses"),
    ("Évaluation", "evaluation:home", "view_aggregates"),
    ("Espace partenaires", "partners:home", "view_aggregates"),
    ("Participants", "collection:participants", "view_rows"),
    ("Imports", "collection:imports", "manage_imports"),
    ("Utilisateurs", "accounts:user_list", "manage_users"),
    ("Paramètres", "configuration:edit", "manage_settings"),
    ("Journal", "audit:list", "view_audit"),
)


def entries(user, current: str | None):
    """The menu items this user may follow; at most one is current (``aria-current="page"``).

    The current page's own entry wins; otherwise the home of its domain (a page of « Enquêtes » marks
    « Enquêtes »), unless another entry of that domain is the page itself.
    """
    items = []
    for label, name, permission in NAV:
        if not user.can(permission):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "name": name, "current": False})
    exact = [item for item in items if item["name"] == current]
    if exact:
        exact[0]["current"] = True
    elif current:
        namespace = current.split(":")[0]
        homes = [item for item in items if item["name"] == f"{namespace}:home"]
        if homes:
            homes[0]["current"] = True
    return items
