"""Administration of reference data: regions, units and users (with their roles)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.urls import path

from .models import OrgUnit, Region, Role, User
from .setup_admin import may_set_up, setup_bureau_view


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "population"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    list_per_page = 50

    def get_urls(self):
        view = self.admin_site.admin_view(lambda request: setup_bureau_view(self, request))
        return [path("setup-bureau/", view, name="orgs_region_setup_bureau"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "may_set_up": may_set_up(request.user)}
        return super().changelist_view(request, extra_context)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name", "kind", "region", "parent", "is_active"]
    list_filter = ["kind", "is_active", "region__level"]
    search_fields = ["code", "name", "short_name"]
    autocomplete_fields = ["region", "parent"]
    list_select_related = ["region", "parent"]
    list_per_page = 50


class RolesField(forms.MultipleChoiceField):
    """`User.roles` is a JSON list of Role values; administrators tick them."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", Role.choices)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "角色")
        super().__init__(**kwargs)


class UserForm(UserChangeForm):
    roles = RolesField()

    class Meta(UserChangeForm.Meta):
        model = User


class NewUserForm(AdminUserCreationForm):
    roles = RolesField()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "unit", "roles"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserForm
    add_form = NewUserForm
    list_display = ["username", "full_name", "unit", "role_list", "is_active", "is_superuser"]
    list_filter = ["is_active", "is_superuser", "unit__kind"]
    search_fields = ["username", "full_name", "unit__name"]  # not phone: encrypted
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    ordering = ["username"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("个人信息", {"fields": ["full_name", "phone", "email"]}),
        ("单位与角色", {"fields": ["unit", "roles"]}),
        ("权限", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("重要日期", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "full_name",
                    "unit",
                    "roles",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    @admin.display(description="角色")
    def role_list(self, user: User) -> str:
        return "、".join(user.role_labels)

    # --- Separation of duties (三员分立): the security administrator manages users, never superusers, never
    # Django's permission boxes (orgs.duties ignores them), never their own roles.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "groups", "user_permissions"]
            if obj is not None and obj.pk == request.user.pk:
                fields += ["roles", "is_staff", "is_active"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if (
            obj is not None
            and (obj.is_superuser or obj.pk == request.user.pk)
            and not request.user.is_superuser
        ):
            return False
        return super().has_delete_permission(request, obj)
