"""Portal configuration an administrator edits: which bureau receives what the public files online, and the
leaders' mailboxes it offers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from xinfang.orgs.models import LEADER_ROLES


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


class MailboxLeader(models.Model):
    """A leader's mailbox (领导信箱) the portal offers. A letter written to it is registered as a 领导信箱 letter
    addressed to that leader (`Petition.addressed_leader`), and the reply is signed "post name". Only leaders
    (`orgs.LEADER_ROLES`) can be published; one who leaves office is switched off, not deleted: their letters
    keep the name."""

    leader = models.OneToOneField(
        "orgs.User",
        verbose_name="领导",
        on_delete=models.PROTECT,
        related_name="+",
    )
    post = models.CharField(
        "公开职务",
        max_length=60,
        help_text="门户上显示的职务，例如“县长”“县委书记”；答复意见以“职务 姓名”署名。",
    )
    order = models.PositiveSmallIntegerField("排序", default=0)
    is_published = models.BooleanField("在门户公开", default=True)

    class Meta:
        verbose_name = "门户领导信箱"
        verbose_name_plural = "门户领导信箱"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.post} {self.leader}"

    def clean(self):
        leader = getattr(self, "leader", None) if self.leader_id else None
        if leader is not None and (not leader.is_active or not leader.has_role(*LEADER_ROLES)):
            raise ValidationError({"leader": "只能公开在职的党政领导或信访局领导的信箱。"})
        if not self.post.strip():
            raise ValidationError({"post": "请填写门户上显示的职务。"})
