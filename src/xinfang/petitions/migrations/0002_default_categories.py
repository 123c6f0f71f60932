"""The default content-category tree of process.md §12 (administrators edit it afterwards)."""

from django.db import migrations

TREE = {
    "农村农业": ["土地承包", "惠农补贴", "村务管理"],
    "劳动和社会保障": ["拖欠工资", "社会保险", "劳动关系"],
    "自然资源": ["土地", "林权", "矿产"],
    "城乡建设": ["住房", "问题楼盘", "征收拆迁", "物业管理"],
    "生态环境": ["环境污染"],
    "交通运输": [],
    "教育": [],
    "卫生健康": ["医患纠纷"],
    "民政": ["优抚安置", "社会救助"],
    "市场监管": ["消费维权"],
    "企业改制": [],
    "涉法涉诉": [],
    "纪检监察": [],
    "组织人事": [],
    "其他": [],
}


def forwards(apps, schema_editor):
    Category = apps.get_model("petitions", "Category")
    for order, (name, children) in enumerate(TREE.items()):
        top, _ = Category.objects.get_or_create(path=name, defaults={"name": name, "sort_order": order * 100})
        for child_order, child in enumerate(children):
            Category.objects.get_or_create(
                path=f"{name}/{child}",
                defaults={"name": child, "parent": top, "sort_order": order * 100 + child_order + 1},
            )


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
