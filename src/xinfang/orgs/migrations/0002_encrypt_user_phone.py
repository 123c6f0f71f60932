"""Staff users' phones encrypted at rest (docs/security.md)."""

import xinfang.fieldcrypt
from xinfang.fieldcrypt import encrypt_columns
from django.db import migrations


COLUMNS = {'phone': (None, None)}


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=xinfang.fieldcrypt.EncryptedTextField(blank=True, max_length=20, verbose_name='手机号码'),
        ),
        migrations.RunPython(
            encrypt_columns('orgs_user', COLUMNS), encrypt_columns('orgs_user', COLUMNS, reverse=True), elidable=False
        ),
    ]
