"""The qualitative chapter of the reports, as a section of the shared document model."""

from __future__ import annotations

from reperes import formats
from reperes.documents.model import BulletList, Callout, Column, Paragraph, Section, Suppressed, Table
from reperes.referentiel.enquetes import AUDIENCES

from .coding import synthesis, tabulate_closed
from .models import Campaign, Interview, Response


def _rates_table(campaigns) -> Table | None:
    rows = []
    for campaign in campaigns:
        from .services import response_rates

        for rate in response_rates(campaign):
            rows.append([f"{campaign.name} – {rate['label']}", rate["invited"], rate["answered"], rate["rate"]])
    if not rows:
        return None
    return Table(caption="Taux de réponse par campagne et par public",
                 columns=[Column("Campagne et public"), Column("Invités", "count"), Column("Réponses", "count"),
                          Column("Taux de réponse", "percent")],
                 rows=rows, source="Repères, campagnes d'enquête")


def _closed_tables(form_versions, seuil: int) -> list[Table | Paragraph]:
    tables = []
    for version in form_versions:
        withheld: dict[str, list[str]] = {}  # the note → the questions it withholds (said once per questionnaire)
        for question in version.questions():
            if question.type != "select_one":
                continue
            result = tabulate_closed(version, question.name, seuil=seuil)
            label = question.label.strip().rstrip(":").rstrip()
            if not result["rows"]:
                if result["note"]:
                    withheld.setdefault(result["note"], []).append(f"« {label} »")
                continue
            rows = []
            for row in result["rows"]:
                cells = [row["label"]]
                for code, _ in result["choices"]:
                    value = row["counts"].get(code)
                    cells.append(Suppressed(seuil) if value is None else value)
                rows.append(cells)
            tables.append(Table(
                caption=f"{version.title} – {label}",
                columns=[Column("Public")] + [Column(label, "count") for _, label in result["choices"]],
                rows=rows, notes=[result["note"]] if result["note"] else (),
                source="Repères, réponses aux questionnaires"))
        for note, questions in withheld.items():
            tables.append(Paragraph(f"{version.title}, questions {', '.join(questions)} : {note}"
                                    if len(questions) > 1 else f"{version.title}, question {questions[0]} : {note}"))
    return tables


def qualitative_section(*, campaigns=None, seuil: int = 11, max_verbatims: int = 3,
                        title: str = "Enquêtes et entretiens") -> Section:
    """Method, response rates, closed questions by audience and findings per theme with masked verbatims."""
    campaigns = list(campaigns if campaigns is not None else Campaign.objects.select_related("form_version"))
    interviews = Interview.objects.all()
    responses = Response.objects.all()
    if not campaigns and not interviews.exists() and not responses.exists():
        return Section.empty(title, "Aucune enquête ni aucun entretien n'est encore enregistré.")
    by_audience = {label: interviews.filter(audience=code).count() for code, label in AUDIENCES.items()}
    method = [
        Paragraph("Le volet qualitatif s'appuie sur des questionnaires (XLSForm, en ligne, sur papier ou par "
                  "téléphone) et sur des entretiens auprès des élus, des institutions, des acteurs de l'insertion et "
                  "de l'emploi et des participants."),
        BulletList([f"{formats.plural(responses.count(), 'réponse')} aux questionnaires ;",
                    f"{formats.plural(interviews.count(), 'entretien')} : " + ", ".join(
                        f"{label.lower()} {n}" for label, n in by_audience.items() if n) + "."
                    if interviews.exists() else "aucun entretien."]),
        Callout("info", "Protection des personnes",
                "Les noms, courriels, téléphones et adresses sont masqués avant l'enregistrement des entretiens. Les "
                "publics de moins de 5 partenaires sont regroupés en « autres partenaires » ; les tableaux des "
                "participants suivent la règle du secret statistique."),
    ]
    blocks_rates = []
    table = _rates_table(campaigns)
    if table is not None:
        blocks_rates.append(table)
    versions = {c.form_version_id: c.form_version for c in campaigns}
    for response in responses.select_related("form_version").only("form_version"):
        versions.setdefault(response.form_version_id, response.form_version)
    closed = _closed_tables(list(versions.values()), seuil)
    findings = []
    for item in synthesis(max_verbatims):
        theme = item["theme"]
        if not item["total"]:
            continue
        blocks = [Paragraph(f"{formats.plural(item['total'], 'extrait codé', 'extraits codés')} : " + ", ".join(
            f"{label.lower()} {n}" for label, n in item["by_audience"].items()) + ".")]
        if item["verbatims"]:
            blocks.append(BulletList([f"« {v.text} » ({AUDIENCES.get(v.audience, v.audience).lower()})"
                                      for v in item["verbatims"]]))
        findings.append(Section(theme.label, blocks))
    subsections = [Section("Méthode", method)]
    subsections.append(Section("Taux de réponse", blocks_rates) if blocks_rates else
                       Section.empty("Taux de réponse", "Aucune campagne d'enquête."))
    if closed:
        subsections.append(Section("Questions fermées par public", closed))
    subsections.append(Section("Constats par thème", (), findings) if findings else
                       Section.empty("Constats par thème", "Aucun extrait n'est encore codé."))
    return Section(title, (), subsections)
