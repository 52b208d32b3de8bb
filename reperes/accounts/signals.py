from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from reperes.audit.models import Action
from reperes.audit.trail import record


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record(Action.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(Action.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted e-mail is kept (useful against password guessing); never the password.
    record(Action.LOGIN_FAILED, request=request, email=str(credentials.get("username", ""))[:254])


@receiver(user_locked_out)
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # Logins refused for a while (too many failures for this account or from this address).
    from django.conf import settings

    record(Action.LOGIN_LOCKED, request=request, email=str(username or "")[:254],
           echecs=settings.AXES_FAILURE_LIMIT, minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
