"""Least privilege for views: ``@requires("view_rows")``.

Anonymous users never reach a view (Django's LoginRequiredMiddleware sends
them to the login page); a logged-in user without the permission gets 403.
The permission is kept on the view so the URL authorisation test can list it.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import PERMISSIONS


def requires(action: str):
    if action not in PERMISSIONS:
        raise ValueError(f"Unknown permission {action!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.can(action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permission = action
        return wrapper

    return decorator
