"""The benchmark chapter: this PLIE among the others and the national series (``benchmark.services.compare``)."""

from __future__ import annotations

from reperes.documents import Callout, Column, Paragraph, Section, Suppressed, Table

from .context import ChapterContext

OWN_YEARS = 3  # the last years this PLIE's data cover, beside the others (its whole series is on the benchmark page)
COMPARED = ("taux_sorties_positives", "duree_moyenne_parcours_mois", "part_rsa", "part_deld",
            "participants_par_referent", "cout_par_participant_euros")


def chapter(cx: ChapterContext) -> Section:
    from reperes.benchmark import indicators as bi
    from reperes.benchmark import services

    blocks: list = [Paragraph(
        "Les valeurs du PLIE viennent de sa fiche protégée (secret statistique appliqué, la même que celle qu'il "
        "envoie aux autres PLIE) ; celles des autres PLIE et la série nationale sont des chiffres publiés, avec "
        "leur source. Une définition différente de la nôtre est signalée : la comparaison est alors indicative.")]
    for indicateur in COMPARED:
        entry = bi.BY_ID[indicateur]
        lines = services.compare(indicateur, own_last=OWN_YEARS)["lignes"]
        if not lines:
            continue
        unit = {bi.SHARE: "percent", bi.COUNT: "count"}.get(entry.kind, "number")
        rows = [[("Notre PLIE – " if line["moi"] else "") + line["plie"], str(line["annee"]),
                 Suppressed(cx.seuil) if line["secret"] else line["valeur"],
                 ("Repères, fiche protégée" if line["moi"] else line["source"])
                 + (" (définition différente)" if not line["comparable"] else "")
                 + (" – fictif" if line.get("fictif") else "")] for line in lines]
        blocks.append(Table(f"{entry.label} : comparaison", [Column("PLIE"), Column("Année"),
                                                              Column("Valeur", unit, decimals=None if unit != "number"
                                                                     else 1),
                                                              Column("Source")],
                            rows, source="Fiches PLIE (format commun « fiche PLIE » de Repères) ; Alliance Villes Emploi",
                            definition=entry.definition, key=f"benchmark-{indicateur}"))
    if len(blocks) == 1:
        blocks.append(Callout("info", "Pas de comparaison", "Aucune fiche d'un autre PLIE n'est importée."))
    return Section("Comparaison avec d'autres PLIE", blocks=blocks, slug="benchmark")
