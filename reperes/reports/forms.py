"""Forms of the « Livrables » page."""

from __future__ import annotations

import datetime as dt

from django import forms

from .builder import SECTIONS
from .chapters.method import DEFAULT_INTRODUCTION, DEFAULT_METHODE
from .models import ReportSettings
from .services import FORMAT_LABELS, FORMATS, ReportError, check_period

TEMPLATE_MAX_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class GenerateForm(forms.Form):
    debut = forms.DateField(label="Début de la période", widget=DateInput(),
                            error_messages={"invalid": "Saisissez une date (jj/mm/aaaa)."})
    fin = forms.DateField(label="Fin de la période", widget=DateInput(),
                          error_messages={"invalid": "Saisissez une date (jj/mm/aaaa)."})
    date = forms.DateField(label="Date du document", widget=DateInput(),
                           help_text="Imprimée sur la couverture ; la même date redonne les mêmes fichiers.",
                           error_messages={"invalid": "Saisissez une date (jj/mm/aaaa)."})
    diffusion = forms.BooleanField(
        label="Version pour les partenaires (secret statistique appliqué)", required=False, initial=True)
    formats = forms.MultipleChoiceField(
        label="Formats", choices=[(f, FORMAT_LABELS[f]) for f in FORMATS], initial=list(FORMATS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins un format."})

    def clean(self):
        data = super().clean()
        debut, fin = data.get("debut"), data.get("fin")
        if debut and fin:
            try:
                check_period(debut, fin, bool(data.get("diffusion")))
            except ReportError as exc:
                self.add_error("fin", str(exc))
        return data


class TextsForm(forms.ModelForm):
    class Meta:
        model = ReportSettings
        fields = ["introduction", "methode"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 6}), "methode": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "introduction": "Laissez vide pour le texte par défaut : « " + DEFAULT_INTRODUCTION[:90] + "… ». "
                            "Séparez les paragraphes par une ligne vide.",
            "methode": "Laissez vide pour le texte par défaut : « " + DEFAULT_METHODE[:90] + "… ».",
        }


class TemplateForm(forms.Form):
    modele = forms.FileField(
        label="Modèle Word du PLIE (.docx)",
        help_text="Ses styles, sa couverture et son logo servent de base au rapport. Dans la couverture, "
                  "{{ plie }}, {{ titre }}, {{ sous_titre }} et {{ date }} sont remplacés.",
        error_messages={"required": "Choisissez un fichier .docx.", "empty": "Le fichier est vide."})

    def clean_modele(self):
        from reperes.documents.docx import TemplateError, check_template

        upload = self.cleaned_data["modele"]
        if not upload.name.lower().endswith((".docx", ".dotx")):
            raise forms.ValidationError("Le modèle doit être un fichier Word .docx ou .dotx.")
        if upload.size > TEMPLATE_MAX_BYTES:
            raise forms.ValidationError("Le modèle est refusé : il dépasse 10 Mo. Allégez ses images.")
        data = upload.read()
        upload.seek(0)
        from reperes import safefiles

        try:  # a DOCX is a ZIP archive: bounded like every upload before python-docx opens it
            safefiles.check_archive(upload.name, data)
        except safefiles.FileRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        try:
            check_template(data)
        except TemplateError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class CommentsForm(forms.Form):
    """One commentary per section, stored by the section's slug (it survives every regeneration)."""

    def __init__(self, *args, initial_texts: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_texts = initial_texts or {}
        for slug, title in SECTIONS:
            self.fields[f"commentaire_{slug}"] = forms.CharField(
                label=title, required=False, initial=initial_texts.get(slug, ""),
                widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)

    def texts(self) -> dict[str, str]:
        return {slug: self.cleaned_data.get(f"commentaire_{slug}", "") for slug, _ in SECTIONS}


def default_dates(installation) -> dict[str, dt.date]:
    debut, fin = installation.default_period()
    return {"debut": debut, "fin": fin, "date": dt.date.today()}
