"""The demo county's fixed codes, its category routes and its demo accounts.

伏牛县 (411331) is fictional: a county-shaped code under the real 南阳市 (411300) in 河南省 (410000), chosen
because no real county uses it. Its organisations are in `demo_orgs.jsonl` beside this module.
"""

from xinfang.orgs.models import Role

COUNTY_CODE = "411331"
COUNTY_NAME = "伏牛县"
CITY_NAME = "南阳市"
PROVINCE_NAME = "河南省"

BUREAU = "411331-XFJ"
CITY_BUREAU = "411300-XFJ"
PROVINCE_BUREAU = "410000-XFJ"
NATIONAL_BUREAU = "100000-XFJ"
LEADERSHIP = "411331-XWXZF"
DISCIPLINE = "411331-JW"
POLITICAL_LEGAL = "411331-ZFW"
COURT = "411331-FY"

# Resident populations (常住人口) the demo sets where none is recorded: the fictional county a mid-sized
# county's, the real city and province their 2020 census figures. The per-capita rankings read them.
POPULATIONS = {COUNTY_CODE: 680_000, "411300": 9_713_112, "410000": 99_365_519}

# The bureau above the county at each level that can send a matter down (上级转送交办).
BUREAU_OF_LEVEL = {"national": NATIONAL_BUREAU, "province": PROVINCE_BUREAU, "city": CITY_BUREAU}

# Region codes people of the county carry in their ID numbers: mostly the county itself, some born
# elsewhere in the city or province (ID numbers keep the code of the place of first registration).
ID_REGION_CODES = [
    (COUNTY_CODE, 80),
    ("411321", 4),  # 南召县
    ("411323", 3),  # 西峡县
    ("411302", 4),  # 宛城区
    ("411303", 3),  # 卧龙区
    ("410305", 2),  # 洛阳市涧西区
    ("410105", 2),  # 郑州市金水区
    ("411702", 2),  # 驻马店市驿城区
]

# Default responsible unit per content category (CategoryRoute); a subcategory not listed inherits its
# top category's unit. 其他 has none: the bureau decides case by case.
CATEGORY_ROUTES = {
    "农村农业": "411331-NYNCJ",
    "劳动和社会保障": "411331-RSJ",
    "自然资源": "411331-ZRZYJ",
    "城乡建设": "411331-ZJJ",
    "生态环境": "411331-SHJJ",
    "交通运输": "411331-JTYSJ",
    "教育": "411331-JYJ",
    "卫生健康": "411331-WJW",
    "民政": "411331-MZJ",
    "民政/优抚安置": "411331-TYJRJ",
    "市场监管": "411331-SCJGJ",
    "企业改制": "411331-GXJ",
    "涉法涉诉": POLITICAL_LEGAL,
    "纪检监察": DISCIPLINE,
    "组织人事": "411331-ZZB",
}

DEMO_PASSWORD = "xinfang-demo-2026"
REGISTRAR = "registrar"  # registers the generated petitions
MAILBOX_LEADER = "party_leader"  # the leader the generated 领导信箱 letters are written to
MAILBOX_POST = "伏牛县县长"  # how the portal names that leader's mailbox

# (username, full name, unit code, roles, admin site access: "", "staff" or "superuser"): one account
# per role of process.md §1. The auditor reads the audit trail in the admin site.
DEMO_USERS = [
    ("registrar", "王丽娟", BUREAU, [Role.REGISTRAR], ""),
    ("handler_chengguan", "李志强", "411331001", [Role.HANDLER], ""),
    ("leader_chengguan", "赵国庆", "411331001", [Role.UNIT_LEADER], ""),
    ("handler_shiqiao", "张红霞", "411331101", [Role.HANDLER], ""),
    ("leader_shiqiao", "刘建军", "411331101", [Role.UNIT_LEADER], ""),
    ("handler_zjj", "陈晓东", "411331-ZJJ", [Role.HANDLER], ""),
    ("leader_zjj", "杨卫东", "411331-ZJJ", [Role.UNIT_LEADER], ""),
    ("handler_rsj", "孙丽萍", "411331-RSJ", [Role.HANDLER], ""),
    ("leader_rsj", "周振华", "411331-RSJ", [Role.UNIT_LEADER], ""),
    ("handler_jw", "吴明", DISCIPLINE, [Role.HANDLER], ""),
    ("supervisor", "郑海燕", BUREAU, [Role.SUPERVISOR], ""),
    ("reviewer", "马文斌", BUREAU, [Role.REVIEWER], ""),
    ("bureau_leader", "黄志刚", BUREAU, [Role.BUREAU_LEADER], ""),
    ("party_leader", "高建华", LEADERSHIP, [Role.PARTY_LEADER], ""),
    ("auditor", "徐静", BUREAU, [Role.AUDITOR], "staff"),
    ("security_admin", "钱安宁", BUREAU, [Role.SECURITY_ADMIN], "staff"),
    ("city_registrar", "何文", CITY_BUREAU, [Role.REGISTRAR], ""),
    ("admin", "系统管理员", BUREAU, [Role.ADMIN], "superuser"),
]
