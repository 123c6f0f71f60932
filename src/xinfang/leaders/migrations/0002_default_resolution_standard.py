"""A starting resolution standard (化解标准) for 包案: administrators edit it in the admin."""

from django.db import migrations

ITEMS = [
    "信访人的合理诉求已依法依规解决到位",
    "诉求不合理或无法律依据的，已依法作出处理并做好解释疏导",
    "生活确有困难的，已落实帮扶救助",
    "信访人书面认可处理结果或已息诉罢访",
]


def seed(apps, schema_editor):
    Standard = apps.get_model("leaders", "ResolutionStandard")
    if not Standard.objects.exists():
        Standard.objects.bulk_create([Standard(text=text, order=i + 1) for i, text in enumerate(ITEMS)])


class Migration(migrations.Migration):
    dependencies = [("leaders", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
