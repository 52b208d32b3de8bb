"""Data lifecycle (RGPD): delete one participant's data, purge parcours past the retention period.

Both are used by the command line (``reperes data delete-participant``,
``reperes data purge``) and by the administration pages. The raw identifier
given by a person is hashed with the installation's key to find the parcours:
it is never stored nor logged (the audit event holds counts only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from reperes.privacy import pseudonymise

from .template import Section, sections_markdown

PROTECTION_TITLE = "Protection des données des participants"
PROTECTION: tuple[Section, ...] = (
    Section("Ce qui est enregistré", bullets=(
        "Pour chaque parcours : sexe, année de naissance et âge à l'entrée, commune de résidence (et son EPCI), "
        "résidence en QPV, niveau de formation, situation à l'entrée, ancienneté de chômage, critères "
        "d'éligibilité, freins repérés, prescripteur, code du référent, dates d'entrée et de sortie, motif de "
        "sortie, durée dans l'emploi, situation six mois après la sortie.",
        "Les étapes de parcours, les actions du PLIE, le suivi des freins et les acquis, liés au parcours.",
        "Aucun nom, prénom, adresse, téléphone, courriel ni numéro de sécurité sociale : ces colonnes sont "
        "ignorées à l'import, et une ligne contenant un numéro de sécurité sociale est rejetée. Seule exception, "
        "sans rien enregistrer : quand un export n'a pas d'identifiant stable de la personne (export "
        "« candidatures » des emplois de l'inclusion), un profil de correspondance peut lire le nom, le prénom et "
        "la date de naissance pour calculer une clé pseudonyme (empreinte HMAC-SHA256 avec la clé de "
        "l'installation) ; ces colonnes sont écartées aussitôt et le rapport d'import le dit.",
        "L'identifiant du parcours (et celui de la personne) n'est pas conservé : il est remplacé par une "
        "empreinte chiffrée (HMAC-SHA256) calculée avec la clé de pseudonymisation de l'installation. La date "
        "de naissance complète sert seulement à calculer l'âge, puis seule l'année est gardée.",
        "Le fichier envoyé pour un import est supprimé du serveur dès la fin de l'import ; seuls le rapport "
        "(valeurs d'identifiants masquées) et l'empreinte SHA-256 du fichier restent dans l'historique.",
        "Pour un affichage rapide, les pages d'analyse déjà calculées (effectifs agrégés et graphiques, aucune "
        "donnée individuelle) sont gardées une heure au plus dans le dossier « cache » du serveur ; elles se "
        "recalculent à partir des données et ne sont plus montrées dès que les données changent.",
    )),
    Section("Pourquoi", (
        "Évaluer l'action du PLIE et réécrire son protocole : typologie des publics, parcours, sorties, freins "
        "levés, indicateurs demandés par le FSE+ (situation à l'entrée, à la sortie et six mois après). Les "
        "données pseudonymisées suffisent à ces analyses : Repères ne sait pas qui est la personne.",
    )),
    Section("Combien de temps", bullets=(
        "Les parcours sont conservés pendant une durée fixée dans les Paramètres (durée de conservation, en "
        "mois après la date de sortie ; 60 mois par défaut), puis purgés : bouton « Purger » de la page Cycle "
        "de vie des données, ou « reperes data purge » (à planifier, par exemple chaque mois).",
        "Une personne peut demander la suppression de ses données : « reperes data delete-participant ID » ou la "
        "page Cycle de vie des données, avec l'identifiant du logiciel du PLIE. Si ce parcours figure encore dans "
        "un fichier importé plus tard, il serait de nouveau enregistré : le retirer aussi de la source.",
        "Le journal d'audit garde la trace des suppressions et des purges (nombres de lignes seulement, jamais "
        "l'identifiant).",
    )),
    Section("Qui voit quoi", bullets=(
        "Administrateurs : imports, comptes, paramètres, journal d'audit, données individuelles pseudonymisées.",
        "Chargés d'étude : données individuelles pseudonymisées (chaque consultation est inscrite au journal "
        "d'audit), analyses et livrables.",
        "Partenaires : seulement des pages agrégées, soumises au secret statistique (aucun effectif inférieur au "
        "seuil fixé dans les Paramètres).",
    )),
    Section("La clé de pseudonymisation", bullets=(
        "La même clé redonne la même empreinte pour le même identifiant : c'est ce qui permet à un nouvel import "
        "de retrouver et mettre à jour les parcours déjà enregistrés, et de retrouver une personne qui demande "
        "la suppression de ses données.",
        "Perdre la clé, c'est perdre ce lien : les imports suivants ne retrouvent plus les participants déjà "
        "enregistrés (ils seraient comptés deux fois) et aucune demande de suppression ne peut plus être "
        "satisfaite par identifiant. La clé est incluse dans chaque sauvegarde (reperes backup) : conservez les "
        "sauvegardes chiffrées, avec un accès restreint.",
        "Qui détient la clé et un fichier source peut relier une empreinte à un identifiant : la clé ne doit "
        "jamais être transmise avec les données.",
    )),
)


def protection_markdown() -> str:
    """The content of ``docs/protection-des-donnees.md`` (the same text as the page of the application)."""
    return sections_markdown(
        PROTECTION_TITLE, PROTECTION, source="reperes.collection.lifecycle.protection_markdown",
        intro="Ce texte est aussi la page « Protection des données » de l'application. Il sert au registre des "
              "traitements du PLIE.",
        outro=("Voir aussi : [la méthodologie de recueil](methodologie-recueil.md) et "
               "[les rôles](roles.md).", ""))


class LifecycleError(ValueError):
    """A request that cannot be carried out; the message says, in French, why."""


@dataclass(frozen=True)
class Deletion:
    parcours: int
    etapes: int
    suivi_freins: int
    acquis: int

    def as_dict(self) -> dict:
        return {"parcours": self.parcours, "etapes": self.etapes, "suivi_freins": self.suivi_freins,
                "acquis": self.acquis}


def _counts(queryset) -> Deletion:
    from .models import Acquis, Etape, SuiviFrein

    ids = list(queryset.values_list("pk", flat=True))
    return Deletion(len(ids), Etape.objects.filter(participant_id__in=ids).count(),
                    SuiviFrein.objects.filter(participant_id__in=ids).count(),
                    Acquis.objects.filter(participant_id__in=ids).count())


def participants_for(raw_identifier: str):
    """The parcours of a raw identifier: as ``id_participant``, or as ``id_personne`` (every parcours)."""
    from django.db.models import Q

    from reperes.instance import pseudonym_key

    from .models import Participant

    raw = (raw_identifier or "").strip()
    if raw.endswith(".0") and raw[:-2].isdigit():
        raw = raw[:-2]  # as the import reads « 1234.0 » (format-echange.md, identifiers)
    if not raw:
        raise LifecycleError("Indiquez l'identifiant du participant (celui du logiciel du PLIE).")
    digest = pseudonymise(raw, pseudonym_key())
    return Participant.objects.filter(Q(id_hash=digest) | Q(personne_hash=digest))


def delete_participant(raw_identifier: str, *, user=None, request=None, dry_run: bool = False) -> Deletion:
    """Delete every parcours (and its étapes, suivi des freins, acquis) of one raw identifier.

    Raises ``LifecycleError`` when nothing matches: with another pseudonymisation
    key (a lost key), no identifier matches any more.
    """
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    queryset = participants_for(raw_identifier)
    found = _counts(queryset)
    if not found.parcours:
        raise LifecycleError("Aucun parcours ne correspond à cet identifiant. Vérifiez l'identifiant (celui du "
                             "logiciel du PLIE, sans espace). Si la clé de pseudonymisation a changé depuis "
                             "l'import, plus aucun identifiant ne peut être retrouvé.")
    if not dry_run:
        with transaction.atomic():
            _forget_snapshots(queryset)
            queryset.delete()
            _deleted(delete_participant)
            record(Action.DATA_DELETED, user=user, request=request, target="suppression d'un participant",
                   motif="demande de la personne", **found.as_dict())
    return found


def _forget_snapshots(queryset) -> None:
    """The previous versions kept for undoing imports go too: an undo must never bring a deleted person back."""
    from .importer.undo import forget_participants

    forget_participants(queryset.values_list("pk", flat=True))


def _deleted(sender) -> None:
    """Once the deletion is committed, tell the layers that keep copies of rows (``signals.rows_deleted``)."""
    from .signals import rows_deleted

    transaction.on_commit(lambda: rows_deleted.send(sender=sender))


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retention_cutoff(today: dt.date | None = None) -> tuple[dt.date, int]:
    """Parcours whose exit is before the cutoff date are past the retention period (settings)."""
    from reperes.configuration.models import Installation

    months = Installation.get().duree_conservation_mois
    return months_before(today or dt.date.today(), months), months


def purge(*, dry_run: bool = False, today: dt.date | None = None, user=None, request=None) -> dict:
    """Delete the parcours whose exit is older than the retention period; ``dry_run`` only counts them."""
    from reperes.audit.models import Action
    from reperes.audit.trail import record

    from .models import Participant

    cutoff, months = retention_cutoff(today)
    queryset = Participant.objects.filter(date_sortie__isnull=False, date_sortie__lt=cutoff)
    found = _counts(queryset)
    if not dry_run and found.parcours:
        with transaction.atomic():
            _forget_snapshots(queryset)
            queryset.delete()
            _deleted(purge)
            record(Action.DATA_DELETED, user=user, request=request, target="purge des parcours anciens",
                   motif=f"durée de conservation ({months} mois après la sortie)", avant=cutoff.isoformat(),
                   **found.as_dict())
    return {"dry_run": dry_run, "cutoff": cutoff.isoformat(), "months": months, **found.as_dict()}
