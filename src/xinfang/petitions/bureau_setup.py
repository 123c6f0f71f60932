"""A new county bureau's category routes (`orgs.setup` runs this through `orgs.hooks.register_after_setup`).

The template's `routes` name, per content category path, the unit (by template key) that routing suggests;
a subcategory not listed takes its top category's unit, and a category with no unit is left to the bureau.
An existing route is left as it is (an administrator may have changed it)."""

from __future__ import annotations

from xinfang.audit import services as audit

from .models import Category, CategoryRoute


def ensure_category_routes(*, region, units: dict, template: dict, actor=None) -> list[str]:
    routes = template.get("routes") or {}
    existing = set(CategoryRoute.objects.filter(region=region).values_list("category_id", flat=True))
    created = []
    for category in Category.objects.all():
        key = routes.get(category.path) or routes.get(category.path.split("/")[0])
        unit = units.get(key) if key else None
        if unit is None or category.pk in existing:
            continue
        route = CategoryRoute.objects.create(category=category, region=region, unit=unit)
        audit.record(
            action="create_category_route",
            target=route,
            actor=actor,
            data={"category": category.path, "region": region.code, "unit": unit.code},
        )
        created.append(f"分类默认责任单位 {category.path} → {unit.name}")
    return created
