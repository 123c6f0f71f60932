"""Portal configuration an administrator edits: which bureau receives what the public files online."""

from __future__ import annotations

from django.db import models


class PortalSettings(models.Model):
    """A single row. Without it (or with no unit set) the portal falls back to the
    ``XF_PORTAL_RECEIVING_UNIT`` setting, then to the only lowest-level bureau (see ``config``)."""

    receiving_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name="网上信访受理单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "bureau", "is_active": True},
        help_text="群众在门户提交的信访事项登记到该信访部门；问题属地可选范围为其辖区内的乡镇(街道)和村(社区)。",
    )
    is_open = models.BooleanField(
        "开放网上提交",
        default=True,
        help_text="关闭后群众只能查询、评价和请求复查复核，不能提交新的信访事项。",
    )
    notice = models.TextField(
        "门户公告", blank=True, help_text="显示在门户首页的说明，例如受理范围和联系电话。"
    )

    class Meta:
        verbose_name = "门户设置"
        verbose_name_plural = "门户设置"

    def __str__(self) -> str:
        return "门户设置"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> PortalSettings:
        return cls.objects.select_related("receiving_unit__region").filter(pk=1).first() or cls()
