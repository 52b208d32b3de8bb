"""Login protection (django-axes): who is locked out, and how an administrator unlocks.

After ``AXES_FAILURE_LIMIT`` failed logins for one account, or from one address,
logins are refused for ``AXES_COOLOFF_TIME`` with a French page (HTTP 429). The
failures and the lockouts are written to the audit trail (``signals.py``). An
administrator unlocks an account (or an address) from the users page or with
``reperes user unlock``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone


def login_username(request, credentials=None) -> str:
    """The account a login attempt names, as stored (lower case): « Admin@X.fr » and « admin@x.fr » are one."""
    value = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) if credentials else None
    if value is None and request is not None:
        value = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    return str(value or "").strip().lower()


def _locked(field: str) -> set[str]:
    """Values of ``field`` (username, ip_address) whose recent failures, summed as axes sums them, hit the limit."""
    from axes.models import AccessAttempt
    from django.db.models import Sum

    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    totals = attempts.order_by().values(field).annotate(failures=Sum("failures_since_start"))
    return {row[field] for row in totals if row[field] and row["failures"] >= settings.AXES_FAILURE_LIMIT}


def locked_emails() -> set[str]:
    """Accounts whose logins are refused now."""
    return _locked("username")


def locked_addresses() -> set[str]:
    """Addresses from which every login is refused now."""
    return _locked("ip_address")


def unlock(*, email: str | None = None, ip: str | None = None) -> int:
    """Forget the failed attempts of an account or an address; the number of attempt records removed."""
    from axes.utils import reset

    if email:
        return reset(username=email.strip().lower())
    if ip:
        return reset(ip=ip.strip())
    return 0


def lockout_response(request, original_response=None, credentials=None):
    """The French page of a refused login (HTTP 429): how many failures, how long to wait, who can unlock."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(request, "accounts/locked.html", {"failure_limit": settings.AXES_FAILURE_LIMIT,
                                                    "minutes": minutes}, status=429)
