"""Appointments (约访): a member of the public asks to see a leader at a published reception day.

Kept apart from ``models`` (which imports this module at its end) so each module stays readable. An
appointment is about a matter: it keeps the matter, the day and a contact phone (encrypted at rest, found
only through its keyed digest), never a name or anything about the person's movements.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from xinfang.fieldcrypt import EncryptedTextField


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    MOVED = "moved", "已改期"
    DECLINED = "declined", "未予安排"
    ATTENDED = "attended", "已接待"


# The statuses under which the petitioner is expected at the session: they appear in its list.
EXPECTED = (AppointmentStatus.CONFIRMED, AppointmentStatus.MOVED)
# An appointment held at its session: still expected there, or come and registered (已接待).
HELD = (*EXPECTED, AppointmentStatus.ATTENDED)


class AppointmentChannel(models.TextChoices):
    PORTAL = "portal", "网上预约"
    STAFF = "staff", "信访部门代为登记"


class Appointment(models.Model):
    bureau = models.ForeignKey(
        "orgs.OrgUnit", verbose_name="安排单位", on_delete=models.PROTECT, related_name="appointments"
    )
    # The session the petitioner is expected at now (moved by the bureau), and the one first asked for.
    session = models.ForeignKey(
        "leaders.ReceptionSession",
        verbose_name="接访场次",
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    requested_session = models.ForeignKey(
        "leaders.ReceptionSession", verbose_name="申请的接访场次", on_delete=models.PROTECT, related_name="+"
    )
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name="已登记的信访事项",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    matter = models.CharField("约访事项", max_length=500, blank=True)
    # The digest before the phone: the model sets fields in order, and setting the phone fills its digest.
    phone_digest = models.CharField(max_length=64, db_index=True, editable=False)
    phone = EncryptedTextField("联系电话", max_length=20, digest_field="phone_digest", purpose="phone")
    # SHA-256 of the code shown once to the petitioner, who follows the request with it and the phone.
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    channel = models.CharField(
        "提出方式", max_length=10, choices=AppointmentChannel.choices, default=AppointmentChannel.PORTAL
    )
    status = models.CharField(
        "状态", max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.REQUESTED
    )
    reason = models.CharField("改期或不予安排的原因", max_length=200, blank=True)
    requested_at = models.DateTimeField("提出时间")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="代为登记人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField("答复时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="答复人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "约访"
        verbose_name_plural = "约访"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone_digest"],
                condition=Q(status="requested"),
                name="appointment_one_pending_per_phone",
            ),
        ]
        indexes = [models.Index(fields=["bureau", "status"], name="appointment_bureau_status")]

    def __str__(self) -> str:
        return f"约访：{self.session}"

    @property
    def is_pending(self) -> bool:
        return self.status == AppointmentStatus.REQUESTED

    @property
    def is_expected(self) -> bool:
        return self.status in EXPECTED
