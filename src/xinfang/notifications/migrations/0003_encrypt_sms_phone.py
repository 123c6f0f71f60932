"""The SMS record's phone encrypted at rest (docs/security.md)."""

import xinfang.fieldcrypt
from xinfang.fieldcrypt import encrypt_columns
from django.db import migrations


COLUMNS = {'phone': (None, None)}


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_sms_template_and_masked_params'),
    ]

    operations = [
        migrations.AlterField(
            model_name='smsmessage',
            name='phone',
            field=xinfang.fieldcrypt.EncryptedTextField(max_length=20, verbose_name='手机号码'),
        ),
        migrations.RunPython(
            encrypt_columns('notifications_smsmessage', COLUMNS), encrypt_columns('notifications_smsmessage', COLUMNS, reverse=True), elidable=False
        ),
    ]
