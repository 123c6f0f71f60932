"""Regions (GB/T 2260), organisation units and users with roles (process.md §1)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from xinfang.fieldcrypt import EncryptedTextField


class Level(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县(区)"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"


LEVEL_ORDER = [Level.NATIONAL, Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]

# How many leading digits of a GB/T 2260 code identify the area at each level: a city's counties share
# its first four digits, a county's townships its six, and so on.
PREFIX_LENGTH = {
    Level.NATIONAL: 0,
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}


def level_rank(level: str) -> int:
    """0 for national, 5 for village: larger is lower."""
    return LEVEL_ORDER.index(Level(level))


# City-layer headings of the statistical codes (北京 110100 市辖区, 河南 419000 省直辖县级行政区划): they keep
# the code chain whole but name no government, so a full name leaves them out.
GROUPING_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Leading code digits shared by everything inside this region; jurisdiction queries use startswith.
    prefix = models.CharField("区划前缀", max_length=12, editable=False, db_index=True)
    # Resident population, typed in by an administrator from the statistical yearbook: the per-capita figures
    # (per 10,000 residents) of the jurisdiction rankings read it; empty means those figures are not shown.
    population = models.PositiveIntegerField(
        "常住人口",
        null=True,
        blank=True,
        help_text="用于按人口比（每万人）排名，如越级访每万人批次；留空则不计算人口比",
    )

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.prefix = self.code[: PREFIX_LENGTH[Level(self.level)]]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if not self.code.isdigit() or len(self.code) not in (6, 9, 12):
            raise ValidationError({"code": "区划代码应为6位、9位或12位数字（GB/T 2260）。"})

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)

    @property
    def full_name(self) -> str:
        names, region = [], self
        while region is not None and region.level != Level.NATIONAL:
            if not (region.level == Level.CITY and region.name in GROUPING_NAMES):
                names.append(region.name)
            region = region.parent
        return "".join(reversed(names))


class UnitKind(models.TextChoices):
    BUREAU = "bureau", "信访部门"
    DEPARTMENT = "department", "职能部门"
    TOWNSHIP = "township", "乡镇(街道)"
    VILLAGE = "village", "村(社区)"
    DISCIPLINE = "discipline", "纪检监察机关"
    POLITICAL_LEGAL = "political_legal", "政法机关"
    COURT = "court", "法院"
    PROCURATORATE = "procuratorate", "检察院"
    LEADERSHIP = "leadership", "党委政府"


# Units whose staff see their whole jurisdiction rather than only what was sent to them.
JURISDICTION_KINDS = {UnitKind.BUREAU, UnitKind.LEADERSHIP}


class OrgUnit(models.Model):
    code = models.CharField("单位代码", max_length=40, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="向其转送、并在复查时居于其上的单位",
    )
    is_active = models.BooleanField("启用", default=True)
    # Where the petition bureau's review office (复查复核办公室/委员会) prepares reviews in the name of the
    # government of its level (process.md §4): documents and the portal then name both.
    review_office = models.CharField(
        "复查复核机构",
        max_length=100,
        blank=True,
        help_text="以本级人民政府名义办理复查、复核的机构，如“伏牛县信访局复查复核办公室”；留空表示以本单位名义复查复核",
    )
    review_authority = models.CharField(
        "复查复核机关",
        max_length=100,
        blank=True,
        help_text="复查复核机构以其名义作出意见的机关，如“伏牛县人民政府”；与复查复核机构同时填写",
    )

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if bool(self.review_office.strip()) != bool(self.review_authority.strip()):
            raise ValidationError("复查复核机构和复查复核机关须同时填写或同时留空。")

    @property
    def level(self) -> str:
        return self.region.level

    @property
    def sees_jurisdiction(self) -> bool:
        return self.kind in JURISDICTION_KINDS

    def bureau(self) -> OrgUnit | None:
        """The petition bureau this unit answers to (itself, for a bureau)."""
        unit = self
        while unit is not None and unit.kind != UnitKind.BUREAU:
            unit = unit.parent
        return unit


class Role(models.TextChoices):
    REGISTRAR = "registrar", "登记员"
    HANDLER = "handler", "承办人"
    UNIT_LEADER = "unit_leader", "单位负责人"
    SUPERVISOR = "supervisor", "督查员"
    REVIEWER = "reviewer", "复查复核人员"
    BUREAU_LEADER = "bureau_leader", "信访局领导"
    PARTY_LEADER = "party_leader", "党政领导"
    AUDITOR = "auditor", "审计员"
    ADMIN = "admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"


# Roles that work with petitioners' identity and so see unmasked ID numbers and phones (process.md §11).
IDENTITY_ROLES = {Role.REGISTRAR, Role.HANDLER, Role.REVIEWER}
# The leaders a petition may be addressed to (领导信箱), who receive reception days, ownerships and bulletins.
LEADER_ROLES = (Role.PARTY_LEADER, Role.BUREAU_LEADER)


# --- Separation of duties (三员分立): docs/security.md; what each may open is orgs.duties --------------------
# The system administrator (configuration and reference data), the security administrator (users and roles)
# and the auditor (the audit trail): no account holds two of them.
DUTY_ROLES = (Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)


def validate_roles(value) -> None:
    if not isinstance(value, list) or any(role not in Role.values for role in value):
        raise ValidationError("角色无效。")
    held = [Role(role).label for role in DUTY_ROLES if role in value]
    if len(held) > 1:
        raise ValidationError(f"三员分立：{'、'.join(held)}不能由同一账号兼任。")


class User(AbstractUser):
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField("姓名", max_length=50, blank=True)
    # Encrypted at rest; nothing looks a user up by phone, so no digest.
    phone = EncryptedTextField("手机号码", max_length=20, blank=True)
    roles = models.JSONField("角色", default=list, blank=True, validators=[validate_roles])

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]

    @property
    def sees_identity(self) -> bool:
        return self.has_role(*IDENTITY_ROLES)


def leader_users() -> models.QuerySet:
    """Every active user with a unit and a leader role (`LEADER_ROLES`): what an admin picker of leaders offers.
    Roles are a JSON list, so the role test runs in Python over the active users with a unit."""
    users = User.objects.filter(is_active=True, unit__isnull=False)
    return User.objects.filter(pk__in=[u.pk for u in users if u.has_role(*LEADER_ROLES)]).select_related(
        "unit"
    )
