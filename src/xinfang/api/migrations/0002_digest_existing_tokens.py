"""DRF's tokens (keys stored in clear) become ``ApiToken`` digests; clients keep their key until it expires."""

import datetime as dt
import hashlib

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def digest_tokens(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("api", "ApiToken")
    expires = timezone.now() + dt.timedelta(days=getattr(settings, "XF_API_TOKEN_DAYS", 30))
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=token.user_id,
            prefix=token.key[:8],
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            kind="login",
            created_at=token.created,
            expires_at=expires,
        )
        for token in Token.objects.all()
    )
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_api_tokens_hashed"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(digest_tokens, migrations.RunPython.noop)]
