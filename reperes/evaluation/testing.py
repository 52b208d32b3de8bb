"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    from django.utils import timezone

    from .models import Constat, Preconisation, Preuve, Question

    question = Question.objects.create(code="QT", critere="pertinence", texte="Question de test ?")
    constat = Constat.objects.create(code="CT", texte="Constat de test.")
    constat.questions.add(question)
    preuve = Preuve.objects.create(constat=constat, type="document", titre="Document", source="test",
                                   retenue_le=timezone.now())
    reco = Preconisation.objects.create(code="RT", numero=99, titre="Préconisation de test", texte="Texte.",
                                        priorite="haute", horizon="2021", pilote="PLIE", article="objectifs")
    reco.constats.add(constat)
    return {"evaluation:question_edit": {"pk": question.pk}, "evaluation:constat_detail": {"pk": constat.pk},
            "evaluation:constat_edit": {"pk": constat.pk}, "evaluation:preuve_add": {"pk": constat.pk},
            "evaluation:preuve_delete": {"pk": preuve.pk}, "evaluation:preconisation_edit": {"pk": reco.pk},
            "evaluation:register_export": {"fmt": "xlsx"}}
