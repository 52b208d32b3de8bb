from django.urls import include, path

urlpatterns = [
    path("", include("reperes.dashboard.urls")),
    path("comptes/", include("reperes.accounts.urls")),
    path("audit/", include("reperes.audit.urls")),
    path("parametres/", include("reperes.configuration.urls")),
    path("donnees/", include("reperes.collection.urls")),
    path("territoire/", include("reperes.territory.urls")),
    path("analyses/", include("reperes.analyses.urls")),
    path("offre/", include("reperes.offer.urls")),
    path("enquetes/", include("reperes.surveys.urls")),
    path("livrables/", include("reperes.reports.urls")),
    path("evaluation/", include("reperes.evaluation.urls")),
    path("protocole/", include("reperes.protocol.urls")),
    path("comparer/", include("reperes.benchmark.urls")),
    path("partenaires/", include("reperes.partners.urls")),
]

handler403 = "reperes.dashboard.views.forbidden"
handler404 = "reperes.dashboard.views.not_found"
handler500 = "reperes.dashboard.views.server_error"
