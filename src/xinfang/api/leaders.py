"""What the leaders endpoints share (``leaders_reception``, ``leaders_ownership``, ``leaders_instructions``):
leaders at work through the API (process.md §10).

The same services as the workbench decide, so the validation, the scoping (``leaders.selectors``; petitions
through ``visible_to``) and the audit trail are the same; a refusal is problem details (400 with the Chinese
messages by field, 403, 404). Units are named by code, leaders and petitions by id.
"""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.pagination import CursorPagination

from xinfang.leaders.models import LEADER_LEVELS
from xinfang.orgs.models import OrgUnit, User
from xinfang.petitions.models import Petition

from .problems import problem_responses
from .serializers import StrictFieldsMixin, _code_field

ERRORS = problem_responses(400, 401, 403, 404)


class NewestFirst(CursorPagination):
    ordering = ("-id",)
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _unit_field(**kwargs):
    return _code_field(OrgUnit.objects.filter(is_active=True), "单位", **kwargs)


def _units_field(**kwargs):
    return serializers.ListField(child=_unit_field(), required=False, **kwargs)


def _leader_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        error_messages={"does_not_exist": "领导“{pk_value}”不存在。", "required": "请选择领导。"},
        **kwargs,
    )


def _petition_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=Petition.objects.all(),
        error_messages={"does_not_exist": "信访事项“{pk_value}”不存在。"},
        **kwargs,
    )


class LeaderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="leader_id")
    name = serializers.CharField(source="leader.__str__")
    post = serializers.CharField(source="leader_post")
    level = serializers.ChoiceField(source="leader_level", choices=LEADER_LEVELS)


class NoteSerializer(StrictFieldsMixin, serializers.Serializer):
    note = serializers.CharField(max_length=5000, allow_blank=True)
