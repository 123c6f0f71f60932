from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from xinfang.admin_base import ReadOnlyAdmin
from xinfang.petitions.admin_scope import PetitionScopedAdmin

from . import services
from .models import Document, DocumentTemplate


class DocumentTemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "name", "title", "number_word", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 30, "cols": 110, "style": "font-family: monospace"})}

    def clean(self):
        cleaned = super().clean()
        if "title" in cleaned and "body" in cleaned:
            try:
                services.check_template(cleaned["title"], cleaned["body"])
            except ValidationError as exc:
                self.add_error("body", exc.message_dict["body"])
        return cleaned


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin):
    form = DocumentTemplateForm
    list_display = ["name", "kind", "title", "number_word", "version", "updated_at", "updated_by"]
    readonly_fields = ["version", "updated_at", "updated_by"]
    ordering = ["id"]

    def get_readonly_fields(self, request, obj=None):
        # The workflow names templates by kind: the kind is fixed once the row exists.
        return [*self.readonly_fields, "kind"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        services.save_template(obj, request.user, form.changed_data)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # issued documents refer to their template


@admin.register(Document)
class DocumentAdmin(PetitionScopedAdmin, ReadOnlyAdmin):
    """Issued documents are records: shown, never edited here."""

    list_display = [
        "number",
        "title",
        "petition",
        "issuing_unit",
        "issued_at",
        "delivery_method",
        "received_on",
    ]
    list_filter = ["kind", "delivery_method"]
    search_fields = ["number", "petition__registration_number"]
    date_hierarchy = "issued_at"
    list_select_related = ["petition", "issuing_unit"]
    fields = [
        "petition",
        "kind",
        "title",
        "number",
        "issuing_unit",
        "issued_at",
        "issued_by",
        "template",
        "template_version",
        "status",
        "files",
        "docx_sha256",
        "pdf_sha256",
        "delivery_method",
        "delivered_at",
        "received_on",
        "delivered_by",
        "context",
    ]
    readonly_fields = fields

    @admin.display(description="文件")
    def files(self, obj: Document) -> str:
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">Word</a>',
            reverse("documents:download_pdf", args=[obj.pk]),
            reverse("documents:download_docx", args=[obj.pk]),
        )
