from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from reperes.accounts.decorators import requires
from reperes.audit.models import Action
from reperes.audit.trail import record
from reperes.territory.services import TerritoryError, create_territory

from .forms import InstallationForm, TerritoryForm
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
    return render(request, "configuration/settings.html", {"form": form, "territory_form": TerritoryForm()})


@requires("manage_settings")
def territory_create(request):
    form = TerritoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            territory = create_territory(form.cleaned_data["name"], epci=form.cleaned_data["epci"],
                                         communes=form.cleaned_data["communes"])
        except TerritoryError as exc:
            form.add_error(None, str(exc))
        else:
            record(Action.TERRITORY, request=request, target=territory.name, epci=territory.epci_sirens)
            messages.success(request, f"Territoire « {territory.name} » créé ({territory.communes.count()} "
                                      "communes) et choisi comme territoire du PLIE.")
            return redirect("configuration:edit")
    return render(request, "configuration/settings.html", {
        "form": InstallationForm(instance=Installation.get()), "territory_form": form})


def logo(request):
    installation = Installation.get()
    if not installation.logo:
        raise Http404
    return FileResponse(installation.logo.open("rb"))
