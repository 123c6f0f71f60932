"""A slice (统计口径筛选): which petitions a figure is computed over, besides scope and period.

A slice narrows the set a figure counts; it never redefines the figure. Every value is a plain filter on an
indexed (or cheap) petition column, ANDed across filters and ORed within one (two channels, or a channel and
a channel group: either). An
empty slice adds nothing to any query (`petition_q` is an empty `Q`), so the unsliced figures cost what they
cost before.

The same names serve the CLI flags (`--source-level` is `source_level`), the dashboard's query string, the
API's query parameters and the JSON's `"slice"` object: `Slice.from_params` reads them (refusing an unknown
value with a Chinese message that names the parameter) and `Slice.params` writes them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from django.db.models import Q, Subquery, Value
from django.db.models.functions import Concat

from xinfang import inputs
from xinfang.orgs.models import Level, Region
from xinfang.petitions.models import (
    ONLINE_CHANNELS,
    ONLINE_LETTER_PHONE,
    Category,
    Channel,
    PetitionClass,
    Source,
    SourceAction,
)

from .scope import code_within

# Channel groups a `channel` value may name instead of one channel.
# ("online" is the one channel 网上信访; the online share's wider set is "online_channels".)
CHANNEL_GROUPS = {
    "wxd": ("网信电访", ONLINE_LETTER_PHONE),
    "online_channels": ("网上渠道（网上信访、短信、微信、手机信访、领导信箱）", ONLINE_CHANNELS),
}
# A matter is sent down from a level above the county (转送交办层级).
SOURCE_LEVELS = {Level.NATIONAL: "国家", Level.PROVINCE: "省", Level.CITY: "市"}
LOCAL_VISIT_LEVELS = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
# "local" is the volumes' 本级 (county and below), as `volumes.visit_level_key` groups them.
VISIT_LEVELS = {**dict(Level.choices), "local": "本级"}
COLLECTIVE = {True: "集体访", False: "个体访"}
REPEAT = {True: "重复信访", False: "初信初访"}
TRUE_VALUES, FALSE_VALUES = ("1", "true", "yes"), ("0", "false", "no")

# Parameter name → (Chinese name, choices) for the filters that pick values from a fixed set.
CHOICE_FILTERS: dict[str, tuple[str, dict[str, str]]] = {
    "channel": ("信访形式", {**dict(Channel.choices), **{k: v[0] for k, v in CHANNEL_GROUPS.items()}}),
    "source": ("来源", dict(Source.choices)),
    "source_level": ("转交办层级", SOURCE_LEVELS),
    "source_action": ("转交办方式", dict(SourceAction.choices)),
    "class": ("信访类别", dict(PetitionClass.choices)),
    "visit_level": ("来访层级", VISIT_LEVELS),
}
FLAG_FILTERS: dict[str, tuple[str, dict[bool, str]]] = {
    "collective": ("集体访/个体访", COLLECTIVE),
    "repeat": ("初信初访/重复信访", REPEAT),
}
PARAM_NAMES = [*CHOICE_FILTERS, "category", *FLAG_FILTERS, "issue_region"]
LABELS = {
    **{k: v[0] for k, v in CHOICE_FILTERS.items()},
    **{k: v[0] for k, v in FLAG_FILTERS.items()},
    "category": "内容分类",
    "issue_region": "问题属地",
}
# The dataclass field behind each multi-valued parameter.
_FIELD = {
    "source": "sources",
    "source_level": "source_levels",
    "source_action": "source_actions",
    "class": "petition_classes",
    "visit_level": "visit_levels",
}


def _values(raw) -> list[str]:
    """A parameter's values: repeated (`?channel=a&channel=b`), a comma list, or both."""
    items = raw if isinstance(raw, list | tuple) else [raw]
    return [v.strip() for item in items if item is not None for v in str(item).split(",") if v.strip()]


def _getlist(params: Mapping, name: str) -> list[str]:
    if hasattr(params, "getlist"):  # a QueryDict
        return _values(params.getlist(name))
    return _values(params.get(name))


@dataclass(frozen=True)
class Slice:
    channels: tuple[str, ...] = ()
    # "", "wxd" (网信电访: ONLINE_LETTER_PHONE) or "online_channels" (ONLINE_CHANNELS); ORed with `channels`.
    channel_group: str = ""
    sources: tuple[str, ...] = ()
    source_levels: tuple[str, ...] = ()
    source_actions: tuple[str, ...] = ()
    petition_classes: tuple[str, ...] = ()
    category_id: int | None = None  # with its subtree (Category.path)
    visit_levels: tuple[str, ...] = ()
    collective: bool | None = None
    repeat: bool | None = None  # as the reader may count it (`metrics.shown_repeat`)
    issue_region: str = ""  # a region code prefix (`Region.prefix`)

    @property
    def is_empty(self) -> bool:
        return self == Slice()

    # --- the filter --------------------------------------------------------------------------------------

    def petition_q(self, prefix: str = "", hidden=None) -> Q:
        """Petitions in the slice (`prefix` reaches them through a relation, e.g. "petition__"). `hidden`:
        the ids of petitions hidden from the reader (a subquery), so a repeat of one is not a repeat here."""
        q = Q()
        if self.is_empty:
            return q
        if self.channels or self.channel_group:
            group = CHANNEL_GROUPS[self.channel_group][1] if self.channel_group else []
            q &= Q(**{f"{prefix}channel__in": list(dict.fromkeys([*self.channels, *group]))})
        for name, column in (
            ("sources", "source"),
            ("source_levels", "source_level"),
            ("source_actions", "source_action"),
            ("petition_classes", "petition_class"),
        ):
            if values := getattr(self, name):
                q &= Q(**{f"{prefix}{column}__in": list(values)})
        if self.visit_levels:
            levels = [lv for v in self.visit_levels for lv in (LOCAL_VISIT_LEVELS if v == "local" else [v])]
            q &= Q(**{f"{prefix}channel": Channel.VISIT, f"{prefix}visit_level__in": levels})
        if self.category_id is not None:
            q &= Q(**{f"{prefix}category_id__in": category_subtree(self.category_id)})
        if self.collective is not None:
            q &= Q(**{f"{prefix}is_collective": self.collective})
        if self.repeat is not None:
            q &= self._repeat_q(prefix, hidden)
        if self.issue_region:
            q &= code_within(f"{prefix}issue_region_code", self.issue_region)
        return q

    def _repeat_q(self, prefix: str, hidden) -> Q:
        repeat = Q(**{f"{prefix}is_repeat": True})
        if hidden is None:
            return repeat if self.repeat else Q(**{f"{prefix}is_repeat": False})
        shown_hidden = Q(**{f"{prefix}repeat_of_id__in": hidden})
        if self.repeat:
            return repeat & ~shown_hidden
        return Q(**{f"{prefix}is_repeat": False}) | shown_hidden

    # --- parameters --------------------------------------------------------------------------------------

    def params(self) -> dict[str, str]:
        """The URL form: each set filter as one comma-separated value; nothing for an unset one."""
        data: dict[str, str] = {}
        channels = [*self.channels, *([self.channel_group] if self.channel_group else [])]
        if channels:
            data["channel"] = ",".join(channels)
        for name, attr in _FIELD.items():
            if values := getattr(self, attr):
                data[name] = ",".join(values)
        if self.category_id is not None:
            data["category"] = str(self.category_id)
        for name in FLAG_FILTERS:
            if (flag := getattr(self, name)) is not None:
                data[name] = "1" if flag else "0"
        if self.issue_region:
            data["issue_region"] = self.issue_region
        return data

    def as_dict(self) -> dict:
        """The JSON form (`"slice"` in the CLI's and the API's answer): every filter, null or [] when unset."""
        return {
            "channel": list(self.channels),
            "channel_group": self.channel_group or None,
            "source": list(self.sources),
            "source_level": list(self.source_levels),
            "source_action": list(self.source_actions),
            "class": list(self.petition_classes),
            "category": self.category_id,
            "visit_level": list(self.visit_levels),
            "collective": self.collective,
            "repeat": self.repeat,
            "issue_region": self.issue_region or None,
        }

    @classmethod
    def from_params(cls, params: Mapping) -> Slice:
        """Read a slice from a query string, the CLI's options or a dict; ValueError (in Chinese, naming the
        parameter) for a value that is not one of its choices."""
        values: dict = {}
        for name, (label, choices) in CHOICE_FILTERS.items():
            given = _getlist(params, name)
            for value in given:
                if value not in choices:
                    raise ValueError(
                        f"参数 {name}（{label}）的取值“{value}”无效，可选：{'、'.join(choices)}。"
                    )
            if name == "channel":
                groups = sorted({v for v in given if v in CHANNEL_GROUPS})
                if len(groups) > 1:
                    raise ValueError(f"参数 channel（{label}）只能选一个分组：{'、'.join(groups)}。")
                values["channel_group"] = groups[0] if groups else ""
                values["channels"] = _unique(v for v in given if v not in CHANNEL_GROUPS)
            else:
                values[_FIELD[name]] = _unique(given)
        for name, (label, _) in FLAG_FILTERS.items():
            values[name] = _flag(name, label, _getlist(params, name))
        values["category_id"] = _category(_getlist(params, "category"))
        values["issue_region"] = _issue_region(_getlist(params, "issue_region"))
        return cls(**values)

    # --- words -------------------------------------------------------------------------------------------

    def labelled(self) -> list[tuple[str, str, str]]:
        """(parameter, filter, chosen values), the last two in Chinese: the dashboard's chips, the exports'
        header row."""
        out: list[tuple[str, str, str]] = []
        data = self.params()
        for name in PARAM_NAMES:
            if name not in data:
                continue
            if name in CHOICE_FILTERS:
                choices = CHOICE_FILTERS[name][1]
                text = "、".join(choices[v] for v in data[name].split(","))
            elif name in FLAG_FILTERS:
                text = FLAG_FILTERS[name][1][data[name] == "1"]
            elif name == "category":
                text = (
                    Category.objects.filter(pk=self.category_id).values_list("path", flat=True).first() or ""
                )
            else:
                region = Region.objects.filter(prefix=self.issue_region).order_by("code").first()
                text = region.name if region is not None else self.issue_region
            out.append((name, LABELS[name], text))
        return out

    def describe(self) -> str:
        """One line: 信访形式：来信、来访；来源：… ('' for an empty slice)."""
        return "；".join(f"{label}：{text}" for _, label, text in self.labelled())


def category_subtree(category_id: int):
    """The ids of a category and every category below it, as a subquery (one indexed range on `path`)."""
    path = Category.objects.filter(pk=category_id).values("path")
    return Category.objects.filter(
        Q(pk=category_id) | Q(path__startswith=Concat(Subquery(path), Value("/")))
    ).values("pk")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _flag(name: str, label: str, given: list[str]) -> bool | None:
    if not given:
        return None
    if len(set(given)) > 1 or given[0].lower() not in TRUE_VALUES + FALSE_VALUES:
        raise ValueError(f"参数 {name}（{label}）应为 1 或 0。")
    return given[0].lower() in TRUE_VALUES


def _category(given: list[str]) -> int | None:
    """A category by id or by its path (城乡建设/征收拆迁)."""
    if not given:
        return None
    if len(given) > 1:
        raise ValueError("参数 category（内容分类）只能选一个分类（含其下级）。")
    value = given[0]
    if inputs.has_nul(value) or len(value) > 200:
        raise ValueError("参数 category（内容分类）的取值无效：没有这个分类。")
    lookup = Q(pk=int(value)) if inputs.is_ascii_int(value) and len(value) < 10 else Q(path=value.strip("/"))
    pk = Category.objects.filter(lookup).values_list("pk", flat=True).first()
    if pk is None:
        raise ValueError(f"参数 category（内容分类）的取值“{value}”无效：没有这个分类。")
    return pk


def _issue_region(given: list[str]) -> str:
    """A region by its code (330102) or its prefix; stored as the prefix, so a township's code range is a
    plain indexed range on `issue_region_code`."""
    if not given:
        return ""
    if len(given) > 1 or not inputs.is_ascii_int(given[0]) or len(given[0]) > 12:
        raise ValueError("参数 issue_region（问题属地）应为一个行政区划代码。")
    value = given[0]
    region = Region.objects.filter(Q(code=value) | Q(prefix=value)).order_by("code").first()
    if region is None or not region.prefix:
        raise ValueError(f"参数 issue_region（问题属地）的取值“{value}”无效：没有这个行政区划。")
    return region.prefix


SLICE_FIELDS = [f.name for f in fields(Slice)]
