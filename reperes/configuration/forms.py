from django import forms

from reperes.territory.models import Territory

from .models import Installation

# Magic bytes: PNG and JPEG only (an SVG could carry a script).
LOGO_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
LOGO_MAX_BYTES = 2 * 1024 * 1024


class InstallationForm(forms.ModelForm):
    class Meta:
        model = Installation
        fields = ["plie_name", "logo", "territory", "seuil", "periode_debut", "periode_fin",
                  "duree_conservation_mois"]
        widgets = {
            "periode_debut": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "periode_fin": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = Territory.objects.all()
        self.fields["territory"].empty_label = "— aucun territoire —"

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):
            head = logo.read(8)
            logo.seek(0)
            if not head.startswith(LOGO_SIGNATURES):
                raise forms.ValidationError("Le logo doit être une image PNG ou JPEG.")
            if logo.size > LOGO_MAX_BYTES:
                raise forms.ValidationError("Le logo dépasse 2 Mo : réduisez sa taille.")
        return logo

    def clean(self):
        cleaned = super().clean()
        debut, fin = cleaned.get("periode_debut"), cleaned.get("periode_fin")
        if bool(debut) != bool(fin):
            raise forms.ValidationError("Indiquez le début et la fin de la période, ou aucun des deux "
                                        "(la période par défaut est alors l'année civile précédente).")
        if debut and fin and fin < debut:
            self.add_error("periode_fin", "La fin de la période doit suivre son début.")
        return cleaned


class TerritoryForm(forms.Form):
    """Create the PLIE's perimeter from EPCI SIRENs and/or commune codes (same rules as the CLI)."""

    name = forms.CharField(label="Nom du territoire", max_length=200,
                           help_text="Par exemple « PLIE du Pays Terres de Lorraine ».")
    epci = forms.CharField(label="EPCI (numéros SIREN)", required=False,
                           help_text="Séparés par des virgules, par exemple 200070563, 245400171.")
    communes = forms.CharField(label="Communes isolées (codes INSEE)", required=False,
                               help_text="Séparés par des virgules ; le code INSEE, pas le code postal.")
