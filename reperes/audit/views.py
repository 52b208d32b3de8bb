from django.core.paginator import Paginator
from django.shortcuts import render

from reperes.accounts.decorators import requires

from .models import Action, AuditEvent


@requires("view_audit")
def event_list(request):
    events = AuditEvent.objects.select_related("user")
    action = request.GET.get("action", "")
    if action in Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"page": page, "actions": Action.choices, "current": action})
