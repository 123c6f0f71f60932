"""Who is calling: token issue and the current user."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xinfang.orgs.models import Role

from .orgs import UnitSerializer
from .problems import problem_responses


class LoginThrottle(AnonRateThrottle):
    # Password guessing through the API is limited per client address, whatever the global settings say.
    scope = "api_login"
    rate = "20/minute"


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>")


@extend_schema(tags=["用户与认证"])
class ObtainTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary="获取接口令牌",
        description="用户名和密码换取令牌；同一用户重复获取得到同一令牌。失败返回400 problem+json。",
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, **problem_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


class RoleSerializer(serializers.Serializer):
    code = serializers.ChoiceField(Role.choices)
    label = serializers.CharField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    unit = UnitSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()
    sees_identity = serializers.BooleanField(help_text="能否查看未打码的身份证号和电话")
    is_superuser = serializers.BooleanField()

    @extend_schema_field(RoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return [{"code": role, "label": Role(role).label} for role in user.roles if role in Role.values]


@extend_schema(tags=["用户与认证"])
class MeView(APIView):
    @extend_schema(summary="当前用户", responses={200: MeSerializer, **problem_responses(401, 403)})
    def get(self, request):
        return Response(MeSerializer(request.user).data)
