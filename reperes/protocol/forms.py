"""Forms of the « Protocole » pages."""

from __future__ import annotations

from django import forms


class ArticleForm(forms.Form):
    texte = forms.CharField(label="Texte de l'article", widget=forms.Textarea(attrs={"rows": 14}),
                            help_text="Les préconisations adoptées ou amendées et les tableaux de l'article sont "
                                      "ajoutés à chaque génération : écrivez ici le corps de l'article.",
                            error_messages={"required": "Le texte de l’article est vide : écrivez-le, ou revenez au "
                                                        "texte généré."})


class AdoptionForm(forms.Form):
    comite = forms.ModelChoiceField(label="Comité de pilotage qui a adopté le protocole", queryset=None,
                                    error_messages={"required": "Choisissez le comité de pilotage.",
                                                    "invalid_choice": "Choisissez un comité de pilotage de la liste."})

    def __init__(self, *args, **kwargs):
        from reperes.evaluation.models import Comite

        super().__init__(*args, **kwargs)
        self.fields["comite"].queryset = Comite.objects.filter(type="copil")
