from django import forms

from .models import Organisation

ACCEPTED = ".csv,.xlsx,.ods,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet," \
           "application/vnd.oasis.opendocument.spreadsheet"


class SheetImportForm(forms.Form):
    fichier = forms.FileField(label="Fiche PLIE reçue (CSV, XLSX ou ODS)",
                              help_text="Format de la fiche PLIE : une ligne par valeur, avec sa source. "
                                        "CSV en UTF-8 ou Windows-1252, virgule ou point-virgule.",
                              widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}))
    strict = forms.BooleanField(label="Ne rien importer si une ligne est rejetée", required=False)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["structure_porteuse", "gouvernance", "referents_etp", "budget_total_euros", "part_fse_pourcent",
                  "pratiques", "source"]
        widgets = {"gouvernance": forms.Textarea(attrs={"rows": 3}), "pratiques": forms.Textarea(attrs={"rows": 4})}
