from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from reperes.audit.models import Action
from reperes.audit.trail import record

from . import security
from .decorators import requires
from .forms import LoginForm, PasswordChoiceForm, UserCreateForm, UserEditForm
from .invitations import send_invitation, validity_days
from .models import User
from .roles import PERMISSIONS, Role


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """A partner account's home is its partner space; the team's is the dashboard."""
        from django.urls import reverse

        user = self.request.user
        if user.is_authenticated and user.can("view_aggregates") and not user.can("run_analyses"):
            return reverse("partners:home")
        return super().get_default_redirect_url()


@requires("manage_users")
def user_list(request):
    """The accounts; an account (or an address) locked out after repeated login failures is unlocked here."""
    if request.method == "POST":
        email = request.POST.get("unlock_email", "").strip().lower()
        ip = request.POST.get("unlock_ip", "").strip()
        if (email and email in security.locked_emails()) or (ip and ip in security.locked_addresses()):
            security.unlock(email=email or None, ip=None if email else ip)
            record(Action.LOGIN_UNLOCKED, request=request, target=email or ip)
            messages.success(request, f"Connexions de nouveau possibles pour {email or ip}.")
        else:
            messages.error(request, "Rien à débloquer : ce compte ou cette adresse n’est pas bloqué.")
        return redirect("accounts:user_list")
    page = Paginator(User.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {
        "page": page, "roles": Role, "locked": security.locked_emails(),
        "locked_addresses": sorted(security.locked_addresses())})


def _invite(request, user) -> None:
    """E-mail the set-your-password link; without a mail server, give it to the administrator to pass on."""
    from reperes.configuration.models import Installation

    invitation = send_invitation(request, user, Installation.get().plie_name or "Repères")
    record(Action.USER_CHANGED, request=request, target=user.email, invitation="envoyee" if invitation.sent
           else "non_envoyee")
    if invitation.sent:
        messages.success(request, f"Invitation envoyée à {user.email}\u202f: le lien pour choisir son mot de passe "
                                  f"est valable {validity_days()} jours.")
    else:
        messages.error(request, f"{invitation.error} Lien à transmettre à {user.email} (personnel, valable "
                                f"{validity_days()} jours)\u202f: {invitation.link}")


@requires("manage_users")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        record(Action.USER_CREATED, request=request, target=user.email, role=user.role)
        messages.success(request, f"Compte créé pour {user.email}.")
        _invite(request, user)
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {
        "form": form, "title": "Nouveau compte",
        "intro": f"La personne reçoit par courriel un lien pour choisir son mot de passe, valable {validity_days()} "
                 "jours. Aucun mot de passe n’est à lui transmettre."})


@requires("manage_users")
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST" and request.POST.get("action") == "invite":
        _invite(request, user)
        return redirect("accounts:user_edit", pk=pk)
    old_role, old_active = user.role, user.is_active
    form = UserEditForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        if user == request.user and (form.cleaned_data["role"] != Role.ADMINISTRATEUR
                                     or not form.cleaned_data["is_active"]):
            form.add_error(None, "Vous ne pouvez pas retirer vos propres droits d'administrateur : "
                                 "demandez-le à un autre administrateur.")
        else:
            user = form.save()
            if user.role != old_role:
                record(Action.ROLE_CHANGED, request=request, target=user.email, avant=old_role, apres=user.role)
            changed = [f for f in form.changed_data if f != "role"]
            if changed:
                record(Action.USER_CHANGED, request=request, target=user.email, champs=changed,
                       actif=user.is_active if "is_active" in changed else old_active)
            messages.success(request, f"Compte de {user.email} enregistré.")
            return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"Compte de {user.email}",
                                                        "edited": user})


@method_decorator(login_not_required, name="dispatch")
class InvitationView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: choose one's password (Django's token: expires, serves once)."""

    template_name = "accounts/set_password.html"
    form_class = PasswordChoiceForm
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        record(Action.USER_CHANGED, user=form.user, request=self.request, target=form.user.email,
               champs=["mot de passe"])
        messages.success(self.request, "Mot de passe enregistré\u202f: connectez-vous avec votre adresse et ce mot de "
                                       "passe.")
        return response


def role_table(request):
    """The role × action table, for everyone logged in (it says what each role may do)."""
    rows = [(desc, [role.value in roles for role in Role]) for desc, roles in PERMISSIONS.values()]
    return render(request, "accounts/roles.html", {"rows": rows, "roles": list(Role)})
