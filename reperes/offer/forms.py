"""Forms of the offer: choices come from data·inclusion's enumerations, never re-typed."""

from __future__ import annotations

import re

from data_inclusion.schema.v1 import ModeAccueil, Public, ReseauPorteur, Thematique
from django import forms

from reperes.collection.models import Action

from .models import Service, Structure

SOURCES = (("", "Reconnaître d'après les colonnes"), ("insee", "INSEE (comparateur, dossier complet)"),
           ("dares", "France Travail / DARES (demandeurs d'emploi)"), ("caf", "CAF (foyers RSA)"),
           ("qpv", "Liste des QPV"), ("generic", "Format long générique"))
MAX_UPLOAD = 50 * 1024 * 1024


def _choices(enum):
    return [(m.value, m.label) for m in enum]


class StatsUploadForm(forms.Form):
    fichier = forms.FileField(label="Fichier (CSV ou XLSX)", help_text="Tel que téléchargé sur le site de la source.")
    source = forms.ChoiceField(label="Source", choices=SOURCES, required=False)
    millesime = forms.CharField(label="Millésime (si le fichier ne le dit pas)", required=False, max_length=10)

    def clean_fichier(self):
        f = self.cleaned_data["fichier"]
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("Le fichier dépasse 50 Mo.")
        return f


class OfferUploadForm(forms.Form):
    fichier = forms.FileField(label="Fichier (JSON, CSV, XLSX ou ODS)",
                              help_text="Fichier data·inclusion tel que téléchargé (open data ou API : structures ou "
                                        "services), modèle du valideur data·inclusion ou classeur de Repères.")

    def clean_fichier(self):
        f = self.cleaned_data["fichier"]
        if not f.name.lower().endswith((".json", ".csv", ".xlsx", ".ods")):
            raise forms.ValidationError("Format attendu : .json, .csv, .xlsx ou .ods.")
        if f.size > MAX_UPLOAD:
            raise forms.ValidationError("Le fichier dépasse 50 Mo.")
        return f


class ZoneField(forms.CharField):
    """A list of codes typed as text: « 200070563, 54528, 54 » or « france »."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        codes = [c.strip() for c in re.split(r"[,;\s]+", value or "") if c.strip()]
        for code in codes:
            if not (code.lower() == "france" or re.fullmatch(r"\d{9}|\w{5}|\w{2,3}", code)):
                raise forms.ValidationError(f"Code « {code} » non reconnu : code INSEE de commune (5 caractères), "
                                            "SIREN d'EPCI (9 chiffres), département (2 ou 3) ou « france ».")
        return codes


class StructureForm(forms.ModelForm):
    reseaux_porteurs = forms.MultipleChoiceField(label="Réseaux porteurs", choices=_choices(ReseauPorteur),
                                                 required=False)

    class Meta:
        model = Structure
        fields = ["nom", "description", "siret", "code_insee", "adresse", "telephone", "courriel", "site_web",
                  "reseaux_porteurs"]
        widgets = {"adresse": forms.TextInput, "site_web": forms.URLInput}


class ServiceForm(forms.ModelForm):
    thematiques = forms.MultipleChoiceField(label="Thématiques", choices=_choices(Thematique),
                                            widget=forms.SelectMultiple(attrs={"size": 12}),
                                            help_text="Ctrl (ou Cmd) + clic pour en choisir plusieurs.")
    publics = forms.MultipleChoiceField(label="Publics", choices=_choices(Public), required=False,
                                        widget=forms.SelectMultiple(attrs={"size": 8}),
                                        help_text="Vide : tous publics.")
    modes_accueil = forms.MultipleChoiceField(label="Modes d'accueil", choices=_choices(ModeAccueil),
                                              required=False, widget=forms.SelectMultiple(attrs={"size": 2}))
    zone_eligibilite = ZoneField(label="Zone d'éligibilité", required=False,
                                 help_text="Codes séparés par des virgules : EPCI (SIREN), communes (code INSEE), "
                                           "départements ou « france ». Vide : l'EPCI de la commune du service "
                                           "(hypothèse appliquée par la matrice).")
    actions = forms.ModelMultipleChoiceField(label="Actions du PLIE correspondantes", queryset=Action.objects.all(),
                                             required=False)

    class Meta:
        model = Service
        fields = ["structure", "nom", "description", "type", "thematiques", "publics", "zone_eligibilite",
                  "modes_accueil", "frais", "code_insee", "places", "financement", "actions"]

    def clean_publics(self):
        publics = self.cleaned_data.get("publics") or []
        if Public.TOUS_PUBLICS.value in publics and len(publics) > 1:
            raise forms.ValidationError("« Tous publics » ne peut pas être combiné avec d'autres publics.")
        return publics
