"""The user's own messages: the bell in the navigation bar, the list, marking read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from xinfang.paging import Keyset

from . import services

PAGE_SIZE = 30
NEWEST_FIRST = Keyset()


@login_required
@require_GET
def bell(request):
    """An htmx partial, fetched after the page loads so ordinary pages pay no query for it."""
    return render(request, "notifications/_bell.html", {"unread": services.unread_count(request.user)})


@login_required
@require_GET
def notification_list(request):
    qs = services.inbox(request.user).select_related("petition")
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    # "before" in the link: older than that message, which is the page after it in this order.
    page = NEWEST_FIRST.page(qs, after=request.GET.get("before"), size=PAGE_SIZE)
    context = {
        "notifications": page.rows,
        "unread_only": unread_only,
        "next_before": page.next_cursor,
        "unread": services.unread_count(request.user),
    }
    return render(request, "notifications/list.html", context)


def _safe_next(request, url: str) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return url
    return None


@login_required
@require_POST
def read(request, pk: int):
    notification = get_object_or_404(services.inbox(request.user), pk=pk)
    services.mark_read(request.user, [notification.pk])
    if request.POST.get("go") and (target := _safe_next(request, notification.url)):
        return redirect(target)
    if request.htmx:
        notification.refresh_from_db()
        return render(request, "notifications/_row.html", {"n": notification})
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request):
    services.mark_read(request.user)
    return redirect("notifications:list")
