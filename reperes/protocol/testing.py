"""Sample objects for the URL authorisation test (tests/foundation/test_authorisation.py)."""

from __future__ import annotations


def sample_url_kwargs() -> dict[str, dict]:
    from reperes.evaluation.models import Article, ArticleVersion

    article, _ = Article.objects.get_or_create(cle="objet", defaults={"texte": "Texte de test."})
    version = ArticleVersion.objects.create(article=article, texte="Texte de test.")
    return {"protocol:article": {"cle": "objet"}, "protocol:versions": {"cle": "objet"},
            "protocol:version_export": {"pk": version.pk, "fmt": "txt"}, "protocol:download": {"fmt": "html"}}
