from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import visible_to


@login_required
def petition_list(request):
    petitions = visible_to(request.user).select_related("category", "responsible_unit")[:50]
    return render(request, "petitions/list.html", {"petitions": petitions})
