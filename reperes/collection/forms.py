"""Forms of the collection pages: upload, column and value mapping, lifecycle."""

from __future__ import annotations

from django import forms

from reperes.referentiel import TABLES

from .models import MappingProfile
from .uploads import ACCEPTED_SUFFIXES, fmt_size, max_upload_bytes

BUILTIN = "fourni:"  # prefix of a built-in profile's choice in the upload form

MODES = (
    ("normal", "Importer : enregistrer les lignes valides, lister les lignes rejetées"),
    ("dry_run", "Validation seule : vérifier le fichier sans rien enregistrer"),
    ("strict", "Strict : ne rien enregistrer si une seule ligne est rejetée"),
)


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="CSV, XLSX ou ODS au format d'échange (une feuille par table), ou un ZIP de fichiers CSV "
                  "nommés d'après les tables (participants.csv, etapes.csv…).",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
        error_messages={"empty": "Le fichier envoyé est vide (0 octet) : vérifiez que vous avez choisi le bon "
                                 "fichier.",
                        "required": "Choisissez le fichier à importer.",
                        "invalid": "Aucun fichier reçu : choisissez le fichier à importer."})
    mode = forms.ChoiceField(label="Mode", choices=MODES, initial="normal", widget=forms.RadioSelect)
    replace = forms.BooleanField(
        label="Remplacer toutes les données déjà enregistrées par le contenu du fichier", required=False)
    profile = forms.ChoiceField(
        label="Profil de correspondance (export d'un autre logiciel)", required=False,
        help_text="Les profils fournis avec Repères lisent tels quels des exports publics (par exemple "
                  "l'export « candidatures » des emplois de l'inclusion) ; voir la page des profils.")

    def __init__(self, *args, **kwargs):
        from .mapping import builtin_profiles

        super().__init__(*args, **kwargs)
        self.fields["file"].help_text += f" Taille maximale : {fmt_size(max_upload_bytes())}."
        self.builtin = builtin_profiles()
        self.fields["profile"].choices = (
            [("", "Aucun : le fichier suit le format d'échange")]
            + [(f"{BUILTIN}{name}", f"{name} (fourni avec Repères)") for name in self.builtin]
            + [(str(pk), name) for pk, name in MappingProfile.objects.values_list("pk", "name")])

    def clean_profile(self):
        """A built-in ``mapping.Profile``, a saved ``MappingProfile``, or None."""
        value = self.cleaned_data.get("profile")
        if not value:
            return None
        if value.startswith(BUILTIN):
            return self.builtin[value[len(BUILTIN):]]
        found = MappingProfile.objects.filter(pk=int(value)).first()
        if found is None:
            raise forms.ValidationError("Ce profil n'existe plus : choisissez-en un autre.")
        return found

    def options(self) -> dict:
        mode = self.cleaned_data["mode"]
        return {"dry_run": mode == "dry_run", "strict": mode == "strict",
                "replace": bool(self.cleaned_data.get("replace"))}


IGNORE = ""


class MappingForm(forms.Form):
    """One select per source header (exchange column or « ignorer »), one per unknown value, a profile name."""

    name = forms.CharField(label="Enregistrer ce profil sous le nom", required=False, max_length=100,
                           help_text="Facultatif : un nom permet de réutiliser la correspondance (application et "
                                     "ligne de commande : reperes import FICHIER --mapping NOM).")

    def __init__(self, *args, tables: dict, proposals: dict, value_suggestions: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.column_fields: dict[str, list[tuple[str, str]]] = {}
        self.default_fields: dict[str, list[tuple[str, str]]] = {}
        self.value_fields: list[tuple[str, str, str]] = []
        self.suggestions: dict[str, str | None] = {}
        for table in tables:
            choices = [(IGNORE, "— ignorer cette colonne —")] + [
                (c.name, f"{c.name}{' (obligatoire)' if c.required else ''}") for c in TABLES[table].columns]
            names = []
            for index, proposal in enumerate(proposals[table]):
                key = f"col__{table}__{index}"
                self.fields[key] = forms.ChoiceField(label=proposal.source, choices=choices, required=False,
                                                     initial=proposal.target or IGNORE)
                names.append((key, proposal.source))
            self.column_fields[table] = names
            # Rules of a version 2 profile the page can write: a default for each mandatory coded column,
            # and a row filter.
            defaults = []
            for column in TABLES[table].columns:
                if column.required and column.codes is not None:
                    key = f"def__{table}__{column.name}"
                    self.fields[key] = forms.ChoiceField(
                        label=f"Valeur par défaut de {column.name}", required=False, initial=IGNORE,
                        help_text="Donnée quand la cellule est vide ou que le fichier n'a pas cette colonne ; le "
                                  "rapport d'import dit combien de lignes l'ont reçue.",
                        choices=[(IGNORE, "— aucune —")] + [(c.code, f"{c.code} – {c.label}") for c in column.codes])
                    defaults.append((key, column.name))
            self.default_fields[table] = defaults
            headers = [p.source for p in proposals[table]]
            self.fields[f"filt_col__{table}"] = forms.ChoiceField(
                label="Ne garder que les lignes dont la colonne", required=False, initial=IGNORE,
                choices=[(IGNORE, "— toutes les lignes —")] + [(h, h) for h in headers])
            self.fields[f"filt_mode__{table}"] = forms.ChoiceField(
                label="Garder ou écarter", required=False, initial="garder",
                choices=[("garder", "vaut l'une des valeurs"), ("exclure", "ne vaut aucune des valeurs")])
            self.fields[f"filt_val__{table}"] = forms.CharField(
                label="Valeurs (séparées par « ; »)", required=False, max_length=500, initial="",
                help_text="Par exemple : Candidature acceptée. Les majuscules et les accents ne comptent pas.")
        from .mapping import _column_codes, exact_code

        for v_index, (column, value, code) in enumerate(value_suggestions):
            codes = _column_codes(column)
            key = f"val__{v_index}"
            # A suggestion is shown beside the field; only a value that is the code once normalised is chosen.
            self.fields[key] = forms.ChoiceField(
                label=value, required=False, initial=exact_code(column, value) or IGNORE,
                choices=[(IGNORE, "— laisser tel quel (rejeté s'il est inconnu) —")]
                + [(c.code, f"{c.label} ({c.code})") for c in codes])
            self.value_fields.append((key, column, value))
            self.suggestions[key] = code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if name and MappingProfile.objects.filter(name=name).exists():
            raise forms.ValidationError("Un profil porte déjà ce nom : choisissez-en un autre.")
        return name

    def clean(self):
        cleaned = super().clean()
        for table, fields in self.column_fields.items():
            seen: dict[str, str] = {}
            for key, source in fields:
                target = cleaned.get(key)
                if target and target in seen:
                    self.add_error(key, f"La colonne {target} est déjà choisie pour « {seen[target]} » "
                                        f"({table}) : une colonne du format ne peut venir que d'une colonne "
                                        "source.")
                elif target:
                    seen[target] = source
            defaulted = {column for key, column in self.default_fields.get(table, []) if cleaned.get(key)}
            missing = [c for c in TABLES[table].required if c not in seen and c not in defaulted]
            if cleaned.get(f"filt_col__{table}") and not self.filter_values(table):
                self.add_error(f"filt_val__{table}", "Indiquez au moins une valeur pour le filtre.")
            if missing:
                self.add_error(None, f"Table {table} : choisissez une colonne du fichier pour chaque colonne "
                                     f"obligatoire ; il manque {', '.join(missing)}.")
            groups = {c.one_of for c in TABLES[table].columns if c.one_of}
            for group in groups:
                names = [c.name for c in TABLES[table].columns if c.one_of == group]
                if not set(names) & set(seen):
                    self.add_error(None, f"Table {table} : choisissez une colonne du fichier pour "
                                         f"{' ou '.join(names)}.")
        return cleaned

    def profile_data(self) -> dict:
        columns = {}
        for fields in self.column_fields.values():
            for key, source in fields:
                if self.cleaned_data.get(key):
                    columns[source] = self.cleaned_data[key]
        values: dict[str, dict[str, str]] = {}
        for key, column, value in self.value_fields:
            if self.cleaned_data.get(key):
                values.setdefault(column, {})[value] = self.cleaned_data[key]
        tables: dict[str, dict] = {}
        for table, fields in self.default_fields.items():
            rules: dict = {}
            defaults = {column: self.cleaned_data[key] for key, column in fields if self.cleaned_data.get(key)}
            if defaults:
                rules["defauts"] = defaults
            if self.cleaned_data.get(f"filt_col__{table}") and self.filter_values(table):
                rules["filtre"] = [{"colonne": self.cleaned_data[f"filt_col__{table}"],
                                    "valeurs": self.filter_values(table),
                                    "exclure": self.cleaned_data.get(f"filt_mode__{table}") == "exclure"}]
            if rules:
                tables[table] = rules
        data = {"colonnes": columns, "valeurs": values}
        if tables:
            data["tables"] = tables
        return data

    def filter_values(self, table: str) -> list[str]:
        text = self.cleaned_data.get(f"filt_val__{table}") or ""
        return [v.strip() for v in text.split(";") if v.strip()]

    def table_rules(self, table: str) -> dict:
        """The bound fields of a table's defaults and filter, for the template."""
        return {"defaults": [self[key] for key, _column in self.default_fields.get(table, [])],
                "filter": [self[f"filt_col__{table}"], self[f"filt_mode__{table}"], self[f"filt_val__{table}"]]}


class CorrectionForm(forms.Form):
    """One choice per unknown value of the validation report: a code of its list, or « laisser tel quel ».

    Nothing is chosen for the user but a value that is a code once case, accents
    and punctuation are set aside; the closest code is shown as a suggestion.
    """

    def __init__(self, *args, corrections: list, **kwargs):
        super().__init__(*args, **kwargs)
        from .mapping import _column_codes

        self.rows = []
        for index, correction in enumerate(corrections):
            codes = _column_codes(correction.column)
            key = f"corr__{index}"
            self.fields[key] = forms.ChoiceField(
                label=correction.value, required=False, initial=correction.exact or IGNORE,
                choices=[(IGNORE, "— laisser tel quel (ligne rejetée) —")]
                + [(c.code, c.label) for c in codes])
            suggestion = codes.label(correction.suggestion) if correction.suggestion else ""
            self.rows.append({"field": key, "correction": correction, "suggestion": suggestion,
                              "list_title": codes.title,
                              "column_label": TABLES[correction.table].column(correction.column).description
                              .split(" (")[0]})

    def bound_rows(self):
        return [{**row, "bound": self[row["field"]]} for row in self.rows]

    def values(self) -> dict[str, dict[str, str]]:
        """column → {value as written → code}, for the values given a code."""
        out: dict[str, dict[str, str]] = {}
        for row in self.rows:
            code = self.cleaned_data.get(row["field"])
            if code:
                out.setdefault(row["correction"].column, {})[row["correction"].value] = code
        return out


class ProfileUploadForm(forms.Form):
    file = forms.FileField(label="Fichier de profil (.json)",
                           help_text="Un profil exporté depuis cette page, dans cette installation ou une autre.")
    name = forms.CharField(label="Nom du profil", max_length=100, required=False,
                           help_text="Facultatif : par défaut, le nom inscrit dans le fichier.")


class DeleteParticipantForm(forms.Form):
    identifier = forms.CharField(
        label="Identifiant du participant", max_length=64,
        help_text="L'identifiant du logiciel du PLIE (id_participant ou id_personne). Il n'est ni enregistré ni "
                  "écrit dans le journal : Repères calcule son empreinte chiffrée pour retrouver les parcours.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}))
    confirm = forms.BooleanField(label="Je confirme la suppression définitive de toutes les données de cette "
                                       "personne (parcours, étapes, suivi des freins, acquis)")
