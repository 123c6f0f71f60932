"""From a recurring problem to a campaign (专项活动): the dashboard's 高频问题排行 offers each cluster's
petitions as the cases of a new campaign, created through the campaigns app's services in one transaction
(campaign, its first batch, one case per petition), so a refusal anywhere leaves nothing behind.

Stats sits above campaigns in the layers, so the button lives here and calls down. The petitions are those of
the cluster that the user may see (``visible_to`` inside ``add_case``), counted as the ranking counts them.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models.functions import Substr
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from xinfang import clock, inputs
from xinfang.campaigns import services as campaigns
from xinfang.campaigns.models import AssigningBody
from xinfang.http import client_ip
from xinfang.petitions.models import Petition

from .hotspots import AREA_DIGITS
from .metrics import readable
from .query import parse_query

MAX_CASES = 500  # a cluster larger than this is a policy problem, not a list of cases
ITEM_SUMMARY = 40  # characters of a petition's summary kept in a proposed agenda line


def meeting_url(cluster) -> str:
    """The joint-meeting form with this cluster's petitions proposed as items (联席会议研究), one line each in
    the form's own syntax ("登记编号 议题"), so the meeting records them only when submitted and checks each
    line as if typed. The petitions are those the ranking showed the user (already `visible_to`)."""
    topic = f"{cluster.area}{cluster.category}问题"
    lines = [
        f"{p['number']} 高频问题（{cluster.area}·{cluster.category}）：{(p['summary'] or '')[:ITEM_SUMMARY]}"
        for p in cluster.petitions
    ]
    return reverse("meetings:new") + "?" + urlencode({"title": f"{topic}专题研究", "items": "\n".join(lines)})


class HotspotCampaignForm(forms.Form):
    category = forms.IntegerField(min_value=1)
    area = forms.CharField(max_length=12)
    name = forms.CharField(max_length=200)
    assigning_body = forms.ChoiceField(choices=AssigningBody.choices)
    deadline = forms.DateField(widget=inputs.DateInput())
    criteria = forms.CharField(max_length=2000)

    def clean_area(self):
        area = self.cleaned_data["area"].strip()
        if not inputs.is_ascii_int(area):
            raise forms.ValidationError("属地代码无效。")
        return area


def cluster_petitions(q, category_id: int, area: str):
    ctx = q.ctx
    return (
        Petition.objects.filter(
            readable(ctx) & q.scope.petition_q(),
            received_at__gte=ctx.period.start_at,
            received_at__lt=ctx.period.end_before,
            category_id=category_id,
        )
        .annotate(area=Substr("issue_region_code", 1, AREA_DIGITS))
        .filter(area=area)
        .order_by("received_at", "id")
    )


@login_required
@require_POST
def start_campaign(request):
    q = parse_query(request)
    form = HotspotCampaignForm(request.POST)
    back = q.url("stats:dashboard") + "#recurring-panel"
    if not form.is_valid():
        messages.error(request, "请填写活动名称、交办机关、完成期限和化解标准。")
        return redirect(back)
    data = form.cleaned_data
    petitions = list(cluster_petitions(q, data["category"], data["area"])[: MAX_CASES + 1])
    if not petitions or len(petitions) > MAX_CASES:
        messages.error(request, f"该问题没有可纳入的信访事项，或超过{MAX_CASES}件。")
        return redirect(back)
    today, ip = clock.today(), client_ip(request)
    try:
        with transaction.atomic():
            campaign = campaigns.create_campaign(
                request.user,
                name=data["name"],
                assigning_body=data["assigning_body"],
                assigned_on=today,
                deadline=data["deadline"],
                criteria=data["criteria"].splitlines(),
                ip_address=ip,
            )
            batch = campaigns.add_batch(
                campaign,
                request.user,
                name="第一批",
                assigned_on=today,
                due_on=data["deadline"],
                ip_address=ip,
            )
            for petition in petitions:
                campaigns.add_case(campaign, request.user, petition=petition, batch=batch, ip_address=ip)
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or "无权创建专项活动。")
        return redirect(back)
    messages.success(request, f"已创建专项活动，纳入{len(petitions)}件信访事项。")
    return redirect("campaigns:detail", campaign.pk)
