from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.home, name="home"),
    path("questionnaires/importer/", views.form_import, name="form_import"),
    path("questionnaires/fournis/", views.builtin_install, name="builtin_install"),
    path("questionnaires/<int:pk>/", views.form_detail, name="form_detail"),
    path("questionnaires/<int:pk>/xlsform/", views.form_export, name="form_export"),
    path("campagnes/creer/", views.campaign_create, name="campaign_create"),
    path("campagnes/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campagnes/<int:pk>/courriers/", views.letters, name="letters"),
    path("campagnes/<int:pk>/saisie/", views.enter, name="enter"),
    path("repondre/<str:token>/", views.answer, name="answer"),
    path("entretiens/deposer/", views.interview_upload, name="interview_upload"),
    path("entretiens/confirmer/", views.interview_confirm, name="interview_confirm"),
    path("entretiens/<int:pk>/", views.interview_detail, name="interview_detail"),
    path("synthese/", views.synthesis_view, name="synthesis"),
    path("grille-de-codage/", views.codebook, name="codebook"),
    path("grille-de-codage/<int:pk>/", views.theme_edit, name="theme_edit"),
    path("reponses/importer/", views.answers_import, name="answers_import"),
    path("questionnaires/<int:pk>/reponses-ouvertes/", views.open_answers, name="open_answers"),
]
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "home": "run_analyses",
    "form_import": "run_analyses",
    "builtin_install": "run_analyses",
    "form_detail": "run_analyses",
    "form_export": "run_analyses",
    "campaign_create": "run_analyses",
    "campaign_detail": "view_rows",
    "letters": "view_rows",
    "enter": "view_rows",
    "answer": "public",
    "interview_upload": "run_analyses",
    "interview_confirm": "run_analyses",
    "interview_detail": "view_rows",
    "synthesis": "run_analyses",
    "codebook": "run_analyses",
    "theme_edit": "run_analyses",
    "answers_import": "run_analyses",
    "open_answers": "view_rows",
}
