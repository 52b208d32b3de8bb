from django.shortcuts import render

from reperes.accounts.decorators import requires

from . import services


@requires("view_aggregates")
def home(request):
    return render(request, "dashboard/home.html", {"board": services.build(request.user)})


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
