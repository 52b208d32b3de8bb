from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator

from reperes.audit.models import Action
from reperes.audit.trail import record

from . import security
from .decorators import requires
from .forms import LoginForm, UserCreateForm, UserEditForm
from .models import User
from .roles import PERMISSIONS, Role


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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


@requires("manage_users")
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        record(Action.USER_CREATED, request=request, target=user.email, role=user.role)
        messages.success(request, f"Compte créé pour {user.email}.")
        return redirect("accounts:user_list")
    return render(request, "accounts/user_form.html", {"form": form, "title": "Nouveau compte"})


@requires("manage_users")
def user_edit(request, pk):
    user = get_object_or_404(User, pk=pk)
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


def role_table(request):
    """The role × action table, for everyone logged in (it says what each role may do)."""
    rows = [(desc, [role.value in roles for role in Role]) for desc, roles in PERMISSIONS.values()]
    return render(request, "accounts/roles.html", {"rows": rows, "roles": list(Role)})
