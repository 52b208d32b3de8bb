from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("utilisateurs/", views.user_list, name="user_list"),
    path("utilisateurs/nouveau/", views.user_create, name="user_create"),
    path("utilisateurs/<int:pk>/", views.user_edit, name="user_edit"),
    path("roles/", views.role_table, name="roles"),
    path("invitation/<uidb64>/<token>/", views.InvitationView.as_view(), name="invitation"),
]

# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {
    "login": "public",
    "logout": None,
    "user_list": "manage_users",
    "user_create": "manage_users",
    "user_edit": "manage_users",
    "roles": None,
    "invitation": "public",
}
