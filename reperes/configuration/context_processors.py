from reperes import __version__
from reperes.accounts.roles import PERMISSIONS

from .models import Installation


def installation(request):
    user = getattr(request, "user", None)
    context = {"installation": Installation.get(), "reperes_version": __version__}
    if user is not None and user.is_authenticated:
        from reperes.navigation import entries

        match = getattr(request, "resolver_match", None)
        context["nav_entries"] = entries(user, match.view_name if match else None)
    for action in PERMISSIONS:
        context[f"perms_{action}"] = bool(user is not None and user.is_authenticated and user.can(action))
    return context
