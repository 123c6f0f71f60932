"""Token authentication that loads what every API request reads next: the user's unit and its region.

DRF's own class fetches the token and the user in one query; the scope check (`visible_to`), the registrar
check and `register` then read `user.unit` and `unit.region`, one query each. Joining them into the token
query saves those two round trips on every request. The rules (unknown token, inactive user) are DRF's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        model = self.get_model()
        try:
            token = model.objects.select_related("user__unit__region").get(key=key)
        except model.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)
