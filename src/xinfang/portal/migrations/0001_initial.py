import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("orgs", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="PortalSettings",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "is_open",
                    models.BooleanField(
                        default=True,
                        help_text="关闭后群众只能查询、评价和请求复查复核，不能提交新的信访事项。",
                        verbose_name="开放网上提交",
                    ),
                ),
                (
                    "notice",
                    models.TextField(
                        blank=True, help_text="显示在门户首页的说明，例如受理范围和联系电话。", verbose_name="门户公告"
                    ),
                ),
                (
                    "receiving_unit",
                    models.ForeignKey(
                        blank=True,
                        help_text="群众在门户提交的信访事项登记到该信访部门；问题属地可选范围为其辖区内的乡镇(街道)和村(社区)。",
                        limit_choices_to={"is_active": True, "kind": "bureau"},
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="orgs.orgunit",
                        verbose_name="网上信访受理单位",
                    ),
                ),
            ],
            options={
                "verbose_name": "门户设置",
                "verbose_name_plural": "门户设置",
            },
        ),
    ]
