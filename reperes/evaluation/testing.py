"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    import datetime as dt

    from django.utils import timezone

    from .models import (
        Action,
        Comite,
        ComiteMembre,
        Constat,
        ConsultationCampagne,
        Jalon,
        Preconisation,
        Preuve,
        Question,
    )

    question = Question.objects.create(code="QT", critere="pertinence", texte="Question de test ?")
    constat = Constat.objects.create(code="CT", texte="Constat de test.")
    constat.questions.add(question)
    preuve = Preuve.objects.create(constat=constat, type="document", titre="Document", source="test",
                                   retenue_le=timezone.now())
    reco = Preconisation.objects.create(code="RT", numero=99, titre="Préconisation de test", texte="Texte.",
                                        priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
    reco.constats.add(constat)
    comite = Comite.objects.create(code="CST", type="comite_suivi", date=dt.date(2020, 6, 30),
                                   intitule="Comité de suivi de test")
    ComiteMembre.objects.create(comite=comite, institution="Mission locale")
    campagne = ConsultationCampagne.objects.create(intitule="Avant le COPIL", ouverture=dt.date(2020, 9, 1),
                                                   cloture=dt.date(2020, 9, 30), comite=comite)
    action = Action.objects.create(code="AT", preconisation=reco, action="Action de test", responsable="PLIE",
                                   echeance=dt.date(2021, 6, 30), statut="non_engagee")
    jalon = Jalon.objects.create(code="JT", intitule="Lancement", date=dt.date(2020, 1, 15), statut="fait")
    return {"evaluation:preconisation_detail": {"pk": reco.pk}, "evaluation:comite_detail": {"pk": comite.pk},
            "evaluation:comite_edit": {"pk": comite.pk}, "evaluation:comite_document": {"pk": comite.pk},
            "evaluation:comite_convocation": {"pk": comite.pk, "fmt": "ics"},
            "evaluation:comite_minutes": {"pk": comite.pk}, "evaluation:seance": {"pk": comite.pk},
            "evaluation:seance_presences": {"pk": comite.pk}, "evaluation:consultation_detail": {"pk": campagne.pk},
            "evaluation:action_create": {"pk": reco.pk}, "evaluation:action_status": {"pk": action.pk},
            "evaluation:jalon_edit": {"pk": jalon.pk},
            "evaluation:question_edit": {"pk": question.pk}, "evaluation:constat_detail": {"pk": constat.pk},
            "evaluation:constat_edit": {"pk": constat.pk}, "evaluation:preuve_add": {"pk": constat.pk},
            "evaluation:preuve_delete": {"pk": preuve.pk}, "evaluation:preconisation_edit": {"pk": reco.pk},
            "evaluation:register_export": {"fmt": "xlsx"}}
