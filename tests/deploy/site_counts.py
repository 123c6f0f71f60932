"""What the concurrency test checks after the load, read in a separate process from the site's database:
`python -m tests.deploy.site_counts` prints petitions, their numbers and the audit events per action."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
django.setup()

from django.db.models import Count  # noqa: E402

from xinfang.audit.models import Event  # noqa: E402
from xinfang.petitions.models import Petition  # noqa: E402

if __name__ == "__main__":
    petitions = list(Petition.objects.values("id", "registration_number", "status", "version"))
    events = dict(Event.objects.values_list("action").annotate(n=Count("id")).values_list("action", "n"))
    print(json.dumps({"petitions": petitions, "events": events}, ensure_ascii=False))
