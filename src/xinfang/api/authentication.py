"""Token authentication over ``ApiToken`` (digests, expiry, revocation); clients send, as with DRF's own
class, ``Authorization: Token <key>``.

The token query also loads the user's unit and its region: the scope check (`visible_to`), the registrar
check and `register` read them next, so joining them saves two round trips on every request.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from . import tokens
from .models import ApiToken


class TokenAuthentication(authentication.TokenAuthentication):
    model = ApiToken

    def authenticate_credentials(self, key):
        token = tokens.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if tokens.is_expired(token):
            raise exceptions.AuthenticationFailed("令牌已过期，请重新获取。")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
