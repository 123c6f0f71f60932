"""Who is calling: token issue (at login, or by the owner), the owner's tokens and revoking them, the
current user. Keys are shown once, when issued; lists show only their prefix (see ``tokens``)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from xinfang.http import client_ip
from xinfang.orgs.models import Role

from . import tokens
from .models import ApiToken, TokenKind
from .orgs import UnitSerializer
from .problems import problem_responses


class LoginThrottle(AnonRateThrottle):
    # Password guessing through the API is limited per client address, whatever the global settings say.
    scope = "api_login"
    rate = "20/minute"


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="在请求头中使用：Authorization: Token <token>；仅此一次显示")
    expires_at = serializers.DateTimeField(help_text="过期时间")


class TokenListSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "prefix", "kind", "name", "created_at", "expires_at"]


class IssueTokenSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, help_text="用途说明")


@extend_schema(tags=["用户与认证"])
class ObtainTokenView(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginThrottle]

    @extend_schema(
        summary="获取接口令牌",
        description=(
            "用户名和密码换取令牌；再次获取时签发新令牌，之前登录获取的令牌随即作废。"
            "令牌到期（XF_API_TOKEN_DAYS 天）后需重新获取。失败返回400 problem+json。"
        ),
        request=AuthTokenSerializer,
        responses={200: TokenSerializer, **problem_responses(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, key = tokens.issue(
            serializer.validated_data["user"], kind=TokenKind.LOGIN, ip_address=client_ip(request)
        )
        return Response({"token": key, "expires_at": token.expires_at})


@extend_schema(tags=["用户与认证"])
class TokenListView(APIView):
    @extend_schema(
        summary="我的接口令牌",
        description="本人未过期、未吊销的令牌，只显示前缀。",
        responses={200: TokenListSerializer(many=True), **problem_responses(401, 403)},
    )
    def get(self, request):
        return Response(TokenListSerializer(tokens.live_tokens(request.user), many=True).data)

    @extend_schema(
        summary="签发接口令牌",
        description="为本人签发一个新令牌（例如供脚本使用）；令牌只在此次响应中显示。",
        request=IssueTokenSerializer,
        responses={201: TokenSerializer, **problem_responses(400, 401, 403)},
    )
    def post(self, request):
        serializer = IssueTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = tokens.issue(
            request.user, name=serializer.validated_data.get("name", ""), ip_address=client_ip(request)
        )
        return Response({"token": key, "expires_at": token.expires_at}, status=201)


@extend_schema(tags=["用户与认证"])
class TokenDetailView(APIView):
    @extend_schema(
        summary="吊销接口令牌",
        description="吊销本人的一个令牌；他人的令牌返回404。",
        responses={204: None, **problem_responses(401, 403, 404)},
    )
    def delete(self, request, id: int):
        token = get_object_or_404(ApiToken, pk=id, user=request.user, revoked_at__isnull=True)
        tokens.revoke(token, request.user, ip_address=client_ip(request))
        return Response(status=204)


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
