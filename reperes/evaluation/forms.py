"""Forms of the evaluation register; messages say what to fix, in French."""

from __future__ import annotations

import datetime as dt

from django import forms

from reperes import referentiel as ref
from reperes.referentiel import evaluation as voc

from . import models as m
from .evidence import indicator_problem
from .exchange import HORIZON_RULE, SIREN, horizon_problem


class QuestionForm(forms.ModelForm):
    class Meta:
        model = m.Question
        fields = ["code", "critere", "texte"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"code": "Identifiant stable, par exemple Q8."}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if m.Question.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"L’identifiant « {code} » est déjà utilisé : choisissez-en un autre.")
        return code


class ConstatForm(forms.ModelForm):
    class Meta:
        model = m.Constat
        fields = ["texte", "questions"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 3}), "questions": forms.CheckboxSelectMultiple}
        labels = {"texte": "Constat (une ou deux phrases)", "questions": "Questions auxquelles il répond"}
        error_messages = {"questions": {"required": "Cochez au moins une question à laquelle ce constat répond."}}


class PreconisationForm(forms.ModelForm):
    class Meta:
        model = m.Preconisation
        fields = ["numero", "titre", "texte", "constats", "priorite", "horizon", "pilote", "article",
                  "cible_indicateur", "cible_valeur", "cible_echeance"]
        widgets = {"texte": forms.Textarea(attrs={"rows": 4}), "constats": forms.CheckboxSelectMultiple,
                   "cible_echeance": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"constats": "Constats sur lesquels elle repose", "cible_indicateur": "Cible : indicateur",
                  "cible_valeur": "Cible : valeur", "cible_echeance": "Cible : échéance"}
        help_texts = {"horizon": f"{HORIZON_RULE[0].upper()}{HORIZON_RULE[1:]}.",
                      "cible_valeur": "Un taux s’écrit en fraction : 0,55 pour 55 %.",
                      "cible_indicateur": "Facultatif : un objectif chiffré, dont la valeur de base est calculée "
                                          "sur les données."}
        error_messages = {"constats": {"required": "Cochez au moins un constat sur lequel repose la préconisation."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import indicator_choices

        self.fields["cible_indicateur"] = forms.ChoiceField(
            label="Cible : indicateur", required=False, help_text=self.Meta.help_texts["cible_indicateur"],
            choices=[("", "— pas de cible chiffrée —"), *indicator_choices()])

    def clean_horizon(self):
        horizon = self.cleaned_data["horizon"].strip()
        problem = horizon_problem(horizon)
        if problem:  # the file's rule and wording (docs/evaluation.md: a year or a span)
            reversed_span = "finit avant de commencer" in problem
            raise forms.ValidationError(("La période finit avant de commencer : s" if reversed_span else "S")
                                        + f"aisissez {HORIZON_RULE}.")
        return horizon

    def clean_numero(self):
        numero = self.cleaned_data["numero"]
        if numero is not None and m.Preconisation.objects.filter(numero=numero).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"Le numéro {numero} est déjà pris : choisissez-en un autre.")
        return numero

    def clean(self):
        data = super().clean()
        indicateur, valeur, echeance = (data.get("cible_indicateur"), data.get("cible_valeur"),
                                        data.get("cible_echeance"))
        if indicateur and (valeur is None or echeance is None):
            self.add_error("cible_valeur" if valeur is None else "cible_echeance",
                           "Une cible a un indicateur, une valeur et une échéance : complétez-la ou retirez "
                           "l’indicateur.")
        if not indicateur and (valeur is not None or echeance is not None):
            self.add_error("cible_indicateur", "Choisissez l’indicateur de cette cible.")
        return data


class RetainForm(forms.Form):
    """Attach a piece of evidence seen elsewhere in the application to a new or an existing finding."""

    origine = forms.CharField(widget=forms.HiddenInput, required=False)
    constat = forms.ModelChoiceField(m.Constat.objects.all(), required=False, label="Constat existant",
                                     empty_label="— un nouveau constat —")
    texte = forms.CharField(label="Nouveau constat (une ou deux phrases)", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    questions = forms.ModelMultipleChoiceField(m.Question.objects.all(), required=False,
                                               widget=forms.CheckboxSelectMultiple,
                                               label="Questions auxquelles le nouveau constat répond")
    field_order = ["indicateur", "citation"]

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["fin"] < data["debut"]:
            raise forms.ValidationError("La fin de la période précède son début : revenez à la page d’origine.")
        if data.get("constat") is None:
            if not (data.get("texte") or "").strip():
                self.add_error("texte", "Écrivez le nouveau constat, ou choisissez un constat existant.")
            if not data.get("questions"):
                self.add_error("questions", "Cochez au moins une question à laquelle le nouveau constat répond.")
        return data


class RetainIndicatorForm(RetainForm):
    """A figure of the analyses pages, with its period and filters."""

    indicateur = forms.ChoiceField(label="Chiffre retenu")
    debut = forms.DateField(widget=forms.HiddenInput)
    fin = forms.DateField(widget=forms.HiddenInput)
    epci = forms.CharField(widget=forms.HiddenInput, required=False)
    profil = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicateur"].choices = list(choices)

    def clean_indicateur(self):
        value = self.cleaned_data["indicateur"]
        problem = indicator_problem(value)
        if problem:
            raise forms.ValidationError(problem[0].upper() + problem[1:] + ".")
        return value


class RetainMatrixForm(RetainForm):
    """A cell of the needs × offer matrix."""

    besoin = forms.ChoiceField(widget=forms.HiddenInput, choices=[(c, c) for c in ref.FREINS.codes()])
    cellule_epci = forms.RegexField(SIREN, widget=forms.HiddenInput)
    debut = forms.DateField(widget=forms.HiddenInput)
    fin = forms.DateField(widget=forms.HiddenInput)


class RetainBenchmarkForm(RetainForm):
    """A row of the benchmark (« Comparer »): one PLIE's value of one indicator for one year, with its source."""

    indicateur = forms.CharField(widget=forms.HiddenInput, max_length=120)
    plie = forms.CharField(widget=forms.HiddenInput, max_length=200)
    annee = forms.IntegerField(widget=forms.HiddenInput, min_value=1990, max_value=2100)

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("indicateur", "plie", "annee")):
            from reperes.benchmark.services import resolve

            try:
                data["ligne"] = resolve(data["indicateur"], data["plie"], data["annee"])
            except LookupError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class RetainVerbatimForm(RetainForm):
    """A coded excerpt (masked) of an interview or an open answer."""

    theme = forms.CharField(widget=forms.HiddenInput, max_length=60)
    citation = forms.CharField(label="Citation (masquée)", widget=forms.Textarea(attrs={"rows": 3}))


class PreuveForm(forms.Form):
    """Evidence typed by hand on a finding: a document, a verbatim or a cell of the matrix."""

    type = forms.ChoiceField(label="Type de preuve", choices=[("document", voc.PREUVE_TYPES["document"]),
                                                              ("verbatim", voc.PREUVE_TYPES["verbatim"]),
                                                              ("matrice", voc.PREUVE_TYPES["matrice"])])
    titre = forms.CharField(label="Document : titre", required=False, max_length=300)
    source = forms.CharField(label="Document : source (texte libre ou adresse)", required=False, max_length=1000)
    theme = forms.ChoiceField(label="Verbatim : thème de la grille de codage", required=False)
    texte = forms.CharField(label="Verbatim : citation (masquée)", required=False, widget=forms.Textarea(
        attrs={"rows": 3}))
    besoin = forms.ChoiceField(label="Matrice : frein", required=False,
                               choices=[("", "—"), *((c, ref.FREINS.label(c)) for c in ref.FREINS.codes())])
    epci = forms.CharField(label="Matrice : EPCI (SIREN)", required=False, max_length=9)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .exchange import theme_codes

        self.fields["theme"].choices = [("", "—"), *((c, c) for c in sorted(theme_codes()))]

    def clean(self):
        data = super().clean()
        kind = data.get("type")
        needed = {"document": ("titre", "source"), "verbatim": ("theme", "texte"), "matrice": ("besoin", "epci")}
        for name in needed.get(kind, ()):
            if not (data.get(name) or "").strip():
                self.add_error(name, "Ce champ est nécessaire pour ce type de preuve.")
        if kind == "matrice" and data.get("epci") and not SIREN.match(data["epci"]):
            self.add_error("epci", "Un SIREN d’EPCI a 9 chiffres.")
        return data


def parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


# ------------------------------------------------------------------------------------ committees and follow-up

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ComiteForm(forms.ModelForm):
    membres = forms.CharField(label="Institutions membres", widget=forms.Textarea(attrs={"rows": 8}),
                              help_text="Une institution par ligne.",
                              error_messages={"required": "Inscrivez au moins une institution membre."})

    class Meta:
        model = m.Comite
        fields = ["type", "intitule", "date", "heure_debut", "heure_fin", "lieu", "ordre_du_jour"]
        widgets = {"date": DATE_INPUT, "heure_debut": TIME_INPUT, "heure_fin": TIME_INPUT,
                   "ordre_du_jour": forms.Textarea(attrs={"rows": 5})}
        error_messages = {"date": {"required": "Indiquez la date du comité.",
                                   "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
                          "intitule": {"required": "Donnez un intitulé au comité."}}

    def clean_membres(self):
        names = []
        for line in self.cleaned_data["membres"].splitlines():
            name = line.strip()
            if name and name not in names:
                names.append(name)
        if not names:
            raise forms.ValidationError("Inscrivez au moins une institution membre.")
        return names

    def clean(self):
        data = super().clean()
        if data.get("heure_debut") and data.get("heure_fin") and data["heure_fin"] <= data["heure_debut"]:
            self.add_error("heure_fin", "L’heure de fin doit suivre l’heure de début.")
        return data


class ComiteDocumentForm(forms.Form):
    titre = forms.CharField(label="Titre du document", max_length=300, required=False)
    fichier = forms.FileField(label="Fichier présenté", required=False)
    registre = forms.BooleanField(label="Joindre plutôt le registre des préconisations, généré maintenant (Word)",
                                  required=False)

    def clean(self):
        data = super().clean()
        if not data.get("registre") and not data.get("fichier"):
            raise forms.ValidationError("Choisissez le fichier présenté, ou cochez le registre des préconisations.")
        if data.get("fichier") and not data.get("registre") and not (data.get("titre") or "").strip():
            self.add_error("titre", "Donnez le titre du document présenté.")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Décision", choices=voc.choices(voc.DECISIONS), widget=forms.RadioSelect,
                                 error_messages={"required": "Choisissez la décision : adoptée, amendée, ajournée "
                                                             "ou rejetée."})
    texte_amende = forms.CharField(label="Nouveau texte (si amendée)", required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    motif = forms.CharField(label="Motif (obligatoire si ajournée ou rejetée)", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        from .committees import check_decision

        data = super().clean()
        if "decision" in data:
            for name, message in check_decision(data["decision"], data.get("motif", ""),
                                                data.get("texte_amende", "")).items():
                self.add_error(name, message)
        return data


class CampagneForm(forms.ModelForm):
    class Meta:
        model = m.ConsultationCampagne
        fields = ["intitule", "ouverture", "cloture", "comite"]
        widgets = {"ouverture": DATE_INPUT, "cloture": DATE_INPUT}
        error_messages = {"ouverture": {"required": "Indiquez la date d’ouverture.",
                                        "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
                          "cloture": {"required": "Indiquez la date de clôture.",
                                      "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
                          "intitule": {"required": "Donnez un intitulé à la consultation."}}

    def clean(self):
        data = super().clean()
        if data.get("ouverture") and data.get("cloture") and data["cloture"] < data["ouverture"]:
            self.add_error("cloture", "La clôture doit suivre l’ouverture.")
        return data


class ActionForm(forms.ModelForm):
    class Meta:
        model = m.Action
        fields = ["action", "responsable", "echeance", "statut"]
        widgets = {"action": forms.Textarea(attrs={"rows": 2}), "echeance": DATE_INPUT}
        labels = {"responsable": "Qui (institution ou personne)", "echeance": "Pour quand"}
        error_messages = {"echeance": {"required": "Indiquez l’échéance de l’action.",
                                       "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."},
                          "action": {"required": "Décrivez l’action."},
                          "responsable": {"required": "Indiquez qui porte l’action."}}


class ActionStatutForm(forms.Form):
    statut = forms.ChoiceField(label="Nouveau statut", choices=voc.choices(voc.ACTION_STATUTS))


class JalonForm(forms.ModelForm):
    class Meta:
        model = m.Jalon
        fields = ["code", "intitule", "date", "statut"]
        widgets = {"date": DATE_INPUT}
        help_texts = {"code": "Identifiant stable, par exemple J5."}
        error_messages = {"date": {"required": "Indiquez la date du jalon.",
                                   "invalid": "Date invalide : écrivez-la AAAA-MM-JJ."}}

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if m.Jalon.objects.filter(code=code).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"L’identifiant « {code} » est déjà utilisé : choisissez-en un autre.")
        return code
