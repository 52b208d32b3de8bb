from django.shortcuts import render

from reperes.accounts.decorators import requires

from . import services


@requires("view_aggregates")
def home(request):
    from reperes.offer.shared import shared

    # The same protected figures for every partner: computed once per data version (reperes/offer/shared.py).
    return render(request, "dashboard/home.html", {"board": shared("tableau-de-bord", request,
                                                                   lambda: services.build(request.user))})


def forbidden(request, exception=None):
    return render(request, "errors/403.html", status=403)


def not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    return render(request, "errors/500.html", status=500)
