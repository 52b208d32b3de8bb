"""The draft protocol 2021-2025 (« projet de protocole »), generated from the instance and the decisions.

Shaped like the protocols PLIE sign: signatories, visas, preamble, diagnosis
of the territory, assessment of the previous protocol, then the ten articles
of :data:`reperes.referentiel.evaluation.ARTICLES` in order. :func:`draft_content`
is the content (``reperes protocol draft --json``, docs/evaluation.md);
:func:`draft_document` the document model (DOCX with Word styles, numbered
articles and a table of contents; PDF; HTML).

Rules (docs/evaluation.md): only recommendations whose standing decision is
``adoptee`` or ``amendee`` enter, with their current text, in the article they
name, with their number; a ``cible`` becomes a row of the objectives table
with its baseline on the base year. An article's body is generated from the
data and the decisions until someone edits it in the application
(``evaluation.Article``, every saved version kept in ``ArticleVersion``); an
edited body survives the regeneration of the figures, the recommendations and
the tables around it are always regenerated. Figures are the partner
version (a protocol is signed, hence published): the disclosure rules apply.
The document is marked « Projet » until a COPIL adopts it
(:class:`reperes.protocol.models.Adoption`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reperes import formats
from reperes import referentiel as ref
from reperes.documents import BulletList, Column, Document, Paragraph, Run, Section, Table
from reperes.evaluation.protocol_heading import heading, protocol_years, stored_protocole, territory_rows
from reperes.referentiel import evaluation as voc

ENTERING = ("adoptee", "amendee")
PROJET = "Projet – document de travail, non adopté"

VISAS = (
    "Vu le règlement (UE) 2021/1057 du Parlement européen et du Conseil du 24 juin 2021 instituant le Fonds "
    "social européen plus (FSE+) ;",
    "Vu le code du travail, notamment son article L. 5131-2 ;",
    "Vu la circulaire DGEFP n° 99-40 du 21 décembre 1999 relative aux plans locaux pluriannuels pour l'insertion "
    "et l'emploi ;",
    "Vu le rapport final de l'évaluation du PLIE et les décisions du comité de pilotage Emploi et Insertion ;",
)
COMMUNICATION = ("Les signataires font mention du soutien du Fonds social européen plus et du PLIE dans toute "
                 "action de communication relative aux opérations financées. Le PLIE publie chaque année ses "
                 "indicateurs de résultat, dans le respect du secret statistique.")
FINANCEMENT = ("Le PLIE est financé par le Fonds social européen plus (FSE+), dans le cadre de la subvention "
               "globale confiée à sa structure d'animation et de gestion, et par les contributions des "
               "signataires, arrêtées chaque année dans un plan de financement annexé à la convention annuelle.")


def _resolver(date: dt.date | None = None):
    from reperes.evaluation.evidence import Resolver

    return Resolver(diffusion=True, today=date)


def entering():
    """[(preconisation, standing)] that enter the protocol, in numbering order."""
    from reperes.reports.chapters.recommendations import decided

    return [(r, s) for r, s in decided() if s.decision in ENTERING]


def _value(resolver, indicateur: str, year: int) -> Any:
    value, secret = resolver.indicator(indicateur, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return None if secret else value


def objectives(resolver) -> list[dict]:
    from reperes.evaluation.services import baseline

    rows = []
    for reco, _standing in entering():
        if not reco.has_cible:
            continue
        year, value, secret = baseline(reco, resolver)
        rows.append({"preconisation": reco.code, "indicateur": reco.cible_indicateur, "cible": reco.cible_valeur,
                     "echeance": reco.cible_echeance.isoformat() if reco.cible_echeance else None,
                     "base": None if secret else value, "annee_base": year})
    return rows


def previous_assessment(resolver) -> list[dict]:
    from reperes.evaluation.models import CiblePrecedente

    out = []
    for target in CiblePrecedente.objects.all():
        value, secret = resolver.indicator(target.indicateur, target.debut, target.fin)
        out.append({"indicateur": target.indicateur, "cible": target.cible, "debut": target.debut.isoformat(),
                    "fin": target.fin.isoformat(), "realise": None if secret else value})
    return out


def valuing_grid() -> list[dict]:
    from reperes.reports.chapters.valorisation import adopted_grid, proposed_grid

    return adopted_grid() or proposed_grid()


# ------------------------------------------------------------------------------------ generated bodies


def generated_bodies(resolver, plie_name: str) -> dict[str, str]:
    """Each article's body as generated from the instance and the data (before any edit)."""
    from reperes.evaluation.evidence import indicator_label
    from reperes.evaluation.models import Comite
    from reperes.evaluation.services import base_year

    stored = stored_protocole()
    debut, fin = protocol_years(stored)
    rows, population = territory_rows(resolver)
    year = base_year(resolver)
    bodies: dict[str, str] = {}
    bodies["objet"] = (f"Le présent protocole d'accord fixe les objectifs, le périmètre, les publics, les axes "
                       f"d'intervention, le financement, la gouvernance et l'évaluation du {plie_name} pour la "
                       f"période {debut}-{fin}. Il engage les signataires à mobiliser leurs moyens pour l'accès "
                       "à l'emploi durable des personnes les plus éloignées de l'emploi.")
    if rows:
        epcis = ", ".join(f"{name} ({formats.plural(pop, 'habitant')})" for name, _siren, _n, pop in rows)
        bodies["perimetre"] = (f"Le PLIE intervient sur le territoire de {formats.plural(len(rows), 'intercommunalité')}"
                               f"\u00a0: {epcis}, soit {formats.plural(population, 'habitant')} (population municipale "
                               "INSEE).")
    else:
        bodies["perimetre"] = "Le territoire du PLIE reste à définir (page « Paramètres »)."
    if year is not None:
        shares = []
        for key, label in (("part_rsa", "allocataires du RSA"), ("part_deld", "demandeurs d'emploi de longue durée"),
                           ("part_th", "travailleurs handicapés"), ("part_qpv", "habitants d'un quartier "
                                                                              "prioritaire"),
                           ("part_infra_bac", "de niveau inférieur au baccalauréat")):
            value = _value(resolver, key, year)
            if value is not None:
                shares.append(f"{formats.percent(value)} {label}")
        acc = _value(resolver, "participants_accompagnes", year)
        acc_text = formats.plural(acc, "personne") if isinstance(acc, int | float) else "des personnes"
        bodies["publics"] = (f"Le PLIE accompagne des personnes en difficulté d'insertion professionnelle, "
                             f"résidant sur son territoire. En {year}, il a accompagné {acc_text}"
                             + (f", dont {', '.join(shares)}" if shares else "") + ".")
    else:
        bodies["publics"] = "Le PLIE accompagne des personnes en difficulté d'insertion professionnelle."
    bodies["duree"] = (f"Le présent protocole est conclu pour {fin - debut + 1} ans, du 1er janvier {debut} au "
                       f"31 décembre {fin}. Il peut être modifié par avenant adopté en comité de pilotage.")
    bodies["objectifs"] = ("Les objectifs quantifiés du PLIE figurent au tableau ci-dessous : pour chacun, la cible, "
                           "sa valeur de référence calculée sur les données de l'année de base et son échéance.")
    families = [ref.FAMILLE_ETAPE.label(code) for code in ref.FAMILLE_ETAPE.codes()]
    bodies["axes"] = ("Les actions éligibles au financement du PLIE relèvent des typologies suivantes\u00a0: "
                      + "\u00a0; ".join(f.lower() for f in families) + ".")
    bodies["financement"] = FINANCEMENT
    comites = list(Comite.objects.prefetch_related("membres"))
    kinds = {c.type for c in comites} or {"copil", "comite_suivi"}
    parts = []
    for kind in voc.COMITE_TYPES:
        if kind in kinds:
            members = sorted({m.institution for c in comites if c.type == kind for m in c.membres.all()})
            label = voc.COMITE_TYPES[kind]
            parts.append(f"le {label[0].lower()}{label[1:]}" + (f" ({', '.join(members)})" if members else ""))
    bodies["gouvernance"] = ("La gouvernance du PLIE est assurée par " + ", ".join(parts) + ". Le comité de "
                             "pilotage Emploi et Insertion arrête les orientations et valide les bilans annuels.")
    indicators = sorted({o["indicateur"] for o in objectives(resolver)} | {"taux_sorties_positives",
                                                                            "taux_valorisation_sorties_non_positives"})
    bodies["evaluation"] = ("Le PLIE mesure chaque année, avec les mêmes définitions, les indicateurs suivants\u00a0: "
                            + "\u00a0; ".join(indicator_label(i) for i in indicators)
                            + ". Les sorties autres que positives sont valorisées selon la grille ci-dessous, "
                              "chacune sur justificatif. Les indicateurs sont recalculés chaque année sur les données "
                              "de l'année écoulée et présentés au comité de pilotage.")
    bodies["communication"] = COMMUNICATION
    return bodies


def _recommendation_lines(key: str) -> list[tuple[str, str]]:
    return [(r.code, f"Préconisation n°\u00a0{r.numero} – {r.titre}\u00a0: {s.texte}") for r, s in entering()
            if r.article == key]


def articles(resolver, plie_name: str) -> list[dict]:
    """The ten articles, in order: the body (edited, else generated) then the recommendations entering it."""
    from reperes.evaluation.models import Article

    edited = {a.cle: a.texte for a in Article.objects.all() if a.texte.strip()}
    bodies = generated_bodies(resolver, plie_name)
    out = []
    for number, (key, label) in enumerate(voc.ARTICLES.items(), start=1):
        lines = _recommendation_lines(key)
        body = edited.get(key, bodies[key])
        text = "\n\n".join([body] + [line for _code, line in lines])
        out.append({"cle": key, "titre": f"Article {number} – {label}", "texte": text,
                    "preconisations": [code for code, _line in lines], "corps": body, "modifie": key in edited})
    return out


def preamble(resolver, plie_name: str) -> str:
    stored = stored_protocole()
    if stored is not None and stored.preambule.strip():
        return stored.preambule
    debut, fin = protocol_years(stored)
    rows, population = territory_rows(resolver)
    diagnosis = ""
    if rows:
        diagnosis = (f" Le territoire compte {formats.plural(population, 'habitant')} répartis en "
                     f"{formats.plural(len(rows), 'intercommunalité')}.")
    return ("\n".join(VISAS) + "\n\n"
            f"Le {plie_name} a fait évaluer son action en vue de son protocole {debut}-{fin}. Le présent protocole "
            "reprend les préconisations adoptées par le comité de pilotage Emploi et Insertion à l'issue de cette "
            "évaluation." + diagnosis)


def draft_content(*, date: dt.date | None = None, resolver=None) -> dict:
    """The contract's JSON (``reperes protocol draft --json``)."""
    from reperes.configuration.models import Installation

    resolver = resolver or _resolver(date)
    plie_name = Installation.get().plie_name
    head = heading(resolver)
    return {
        "titre": head["titre"], "debut": head["debut"], "fin": head["fin"],
        "preambule": preamble(resolver, plie_name),
        "signataires": head["signataires"],
        "articles": [{k: a[k] for k in ("cle", "titre", "texte", "preconisations")}
                     for a in articles(resolver, plie_name)],
        "objectifs": objectives(resolver),
        "bilan_precedent": previous_assessment(resolver),
        "grille_valorisation": valuing_grid(),
    }


# ------------------------------------------------------------------------------------ document


def draft_document(*, date: dt.date, adopted: bool, resolver=None, content: dict | None = None,
                   body_overrides: dict[str, str] | None = None) -> Document:
    """The draft as a document; ``body_overrides``: article key → body to show instead (a version's export)."""
    from reperes.configuration.models import Installation
    from reperes.evaluation.evidence import format_value, indicator_label

    installation = Installation.get()
    resolver = resolver or _resolver(date)
    content = content or draft_content(date=date, resolver=resolver)
    seuil = resolver.seuil
    rows, population = territory_rows(resolver)
    pre_sections = [
        Section("Signataires", blocks=[BulletList(content["signataires"])], slug="signataires"),
        Section("Visas et préambule", blocks=[Paragraph(p) for p in content["preambule"].split("\n") if p.strip()],
                slug="visas-et-preambule"),
    ]
    diagnosis: list = []
    if rows:
        diagnosis.append(Table("Intercommunalités du territoire", [Column("Intercommunalité"), Column("SIREN"),
                                                                    Column("Communes", "count"),
                                                                    Column("Population", "count")],
                               rows, source="INSEE, populations légales", footer_rows=[["Total", "", None, population]],
                               key="territoire"))
    bilan = content["bilan_precedent"]
    if bilan:
        diagnosis.append(Table("Bilan du protocole précédent : cibles et réalisations",
                               [Column("Indicateur"), Column("Période"), Column("Cible"), Column("Réalisé")],
                               [[indicator_label(b["indicateur"]), f"{b['debut']} au {b['fin']}",
                                 format_value(b["indicateur"], _whole(b["cible"])),
                                 format_value(b["indicateur"], b["realise"]) if b["realise"] is not None
                                 else formats.suppressed(seuil)] for b in bilan],
                               source="Repères, données de parcours (secret statistique appliqué)", key="bilan"))
    pre_sections.append(Section("Diagnostic du territoire et bilan du protocole précédent", blocks=diagnosis,
                                slug="diagnostic", empty_message="Ni territoire ni cible précédente renseignés."))
    article_sections = []
    for article in content["articles"]:
        body = (body_overrides or {}).get(article["cle"])
        text = article["texte"] if body is None else "\n\n".join(
            [body] + [line for _c, line in _recommendation_lines(article["cle"])])
        blocks: list = [Paragraph(p) for p in text.split("\n\n") if p.strip()]
        if article["cle"] == "objectifs" and content["objectifs"]:
            blocks.append(Table("Objectifs du protocole", [Column("Préconisation"), Column("Indicateur"),
                                                           Column("Cible"), Column("Référence"),
                                                           Column("Année de base"), Column("Échéance")],
                                [[o["preconisation"], indicator_label(o["indicateur"]),
                                  format_value(o["indicateur"], _whole(o["cible"])),
                                  format_value(o["indicateur"], o["base"]) if o["base"] is not None
                                  else formats.suppressed(seuil), str(o["annee_base"] or "–"),
                                  formats.date(dt.date.fromisoformat(o["echeance"])) if o["echeance"] else "–"]
                                 for o in content["objectifs"]],
                                source="Repères, données de parcours (secret statistique appliqué)", key="objectifs"))
        if article["cle"] == "evaluation":
            blocks.append(Table("Grille de valorisation des sorties autres que positives",
                                [Column("Motif de sortie"), Column("Valorisation"), Column("Justificatif")],
                                [[ref.MOTIF_SORTIE.label(g["motif"], g["motif"]), g["valorisation"],
                                  g["justificatif"] or "–"] for g in content["grille_valorisation"]],
                                source="Protocole", key="grille"))
        article_sections.append(Section(article["titre"], blocks=blocks, slug=f"article-{article['cle']}"))
    signature = Section("Signatures", blocks=[Paragraph([Run(f"Pour {name} : ", bold=True), Run("")])
                                              for name in content["signataires"]], slug="signatures")
    metadata = {"Document": content["titre"], "Date du document": date.isoformat(),
                "État": "adopté par le comité de pilotage" if adopted else "projet",
                "Empreinte des décisions (SHA-256)": _decisions_hash()}
    sections = [Section("Préambule", subsections=pre_sections, slug="preambule"),
                Section("Articles", subsections=article_sections, slug="articles"), signature]
    return Document(title=content["titre"], subtitle=None if adopted else "Projet", date=date,
                    organisation=installation.plie_name, author="Repères",
                    banner=None if adopted else PROJET, sections=sections, metadata=metadata)


def _whole(value: Any) -> Any:
    """700.0 → 700 (a target count is written without decimals)."""
    return int(value) if isinstance(value, float) and value.is_integer() and value > 1 else value


def _decisions_hash() -> str:
    from reperes.reports.final import decisions_hash

    return decisions_hash()
