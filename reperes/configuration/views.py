from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record

from .forms import InstallationForm
from .models import Installation


@requires("manage_settings")
def settings_edit(request):
    installation = Installation.get()
    form = InstallationForm(request.POST or None, request.FILES or None, instance=installation)
    if request.method == "POST" and form.is_valid():
        form.save()
        record(Action.SETTINGS_CHANGED, request=request, target="paramètres", champs=form.changed_data)
        messages.success(request, "Paramètres enregistrés.")
        return redirect("configuration:edit")
    return render(request, "configuration/settings.html", {"form": form})


def logo(request):
    installation = Installation.get()
    if not installation.logo:
        raise Http404
    return FileResponse(installation.logo.open("rb"))
