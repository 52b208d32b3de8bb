"""Write audit events. Never pass a raw identifier or an identifying cell in ``details``."""

from __future__ import annotations

from .models import Action, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(action: Action | str, *, user=None, request=None, target: str = "", email: str = "",
           ip: str | None = None, **details) -> AuditEvent:
    """``ip``: the address of the request that started the work, for work done after it (a background job)."""
    if user is None and request is not None and getattr(request, "user", None) is not None:
        user = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        user=user,
        user_email=(user.email if user is not None else email)[:254],
        target=str(target)[:300],
        details=details,
        ip=ip or client_ip(request),
    )
