"""Petitioners' ID numbers, phones and addresses encrypted at rest, with keyed digests for lookups (docs/security.md)."""

import xinfang.fieldcrypt
from xinfang.fieldcrypt import encrypt_columns
from django.db import migrations, models


COLUMNS = {'id_number': ('id_number_digest', 'id_number'), 'phone': ('phone_digest', 'phone'), 'address': (None, None)}


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_encrypt_user_phone'),
        ('petitions', '0005_region_prefix_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='petitioner',
            name='petitions_p_name_5a9f19_idx',
        ),
        migrations.AddField(
            model_name='petitioner',
            name='id_number_digest',
            field=models.CharField(blank=True, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name='petitioner',
            name='phone_digest',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AlterField(
            model_name='petitioner',
            name='address',
            field=xinfang.fieldcrypt.EncryptedTextField(blank=True, max_length=200, verbose_name='住址'),
        ),
        migrations.AlterField(
            model_name='petitioner',
            name='id_number',
            field=xinfang.fieldcrypt.EncryptedTextField(blank=True, digest_field='id_number_digest', max_length=18, null=True, verbose_name='身份证号'),
        ),
        migrations.AlterField(
            model_name='petitioner',
            name='phone',
            field=xinfang.fieldcrypt.EncryptedTextField(blank=True, digest_field='phone_digest', max_length=20, verbose_name='联系电话'),
        ),
        migrations.RunPython(
            encrypt_columns('petitions_petitioner', COLUMNS), encrypt_columns('petitions_petitioner', COLUMNS, reverse=True), elidable=False
        ),
        migrations.AddIndex(
            model_name='petitioner',
            index=models.Index(fields=['name', 'phone_digest'], name='petitions_p_name_ebfef4_idx'),
        ),
    ]
