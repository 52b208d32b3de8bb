app_name = "reports"
urlpatterns: list = []
# url name → permission (or None: any logged-in user; "public": no login); checked by
# tests/foundation/test_authorisation.py for every role.
URL_PERMISSIONS: dict = {}
