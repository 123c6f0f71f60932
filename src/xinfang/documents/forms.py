"""The form that records a document's delivery from the documents table (one per document: its prefix)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from xinfang import clock
from xinfang.petitions import attachments
from xinfang.petitions.models import DeliveryMethod

LOCAL_MINUTE = "%Y-%m-%dT%H:%M"
INPUT = "form-control form-control-sm"


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label="送达方式",
        choices=[("", "请选择送达方式"), *DeliveryMethod.choices],
        error_messages={"required": "请选择送达方式。", "invalid_choice": "送达方式无效。"},
    )
    delivered_at = forms.DateTimeField(
        label="送达时间",
        input_formats=[LOCAL_MINUTE, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": INPUT}, format=LOCAL_MINUTE),
        error_messages={"required": "请填写送达时间。", "invalid": "送达时间格式应为“年-月-日 时:分”。"},
        help_text="直接送达的交付时间，邮寄的寄出时间，网上、短信的发送时间。",
    )
    received_on = forms.DateField(
        label="签收日期",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date", "class": INPUT}, format="%Y-%m-%d"),
        error_messages={"invalid": "签收日期格式应为“年-月-日”。"},
        help_text="信访人收到的日期；邮寄的可先登记寄出，收到回执后再登记签收日期。只能登记一次。",
    )
    proof = forms.FileField(
        label="送达凭证",
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": INPUT, "accept": "image/*,application/pdf"}),
        help_text="送达回证、邮寄回执或网上送达截图（图片或 PDF）。",
    )

    def __init__(self, *args, document, **kwargs):
        kwargs.setdefault("prefix", f"delivery-{document.pk}")
        super().__init__(*args, **kwargs)
        self.document = document
        if document.delivered_at:  # sent earlier, now received: the same sending time and method
            self.initial.setdefault("method", document.delivery_method)
            self.initial.setdefault("delivered_at", timezone.localtime(document.delivered_at))
        else:
            self.initial.setdefault("delivered_at", timezone.localtime(clock.now()).replace(second=0))
        self.initial.setdefault("received_on", clock.today())
        for name, field in self.fields.items():  # screen readers hear the help with the field
            field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_help"

    def add_error(self, field, error) -> None:
        """Every error, the form's own or the service's, marks its field invalid and is read with it."""
        super().add_error(field, error)
        for name in [field] if isinstance(field, str) else (error if isinstance(error, dict) else []):
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_help {self[name].auto_id}_error"

    def clean_proof(self) -> attachments.CheckedFile | None:
        upload = self.cleaned_data.get("proof")
        if not upload:
            return None
        try:
            # Read no more than one byte past the limit: the check names the limit, memory stays bounded.
            content = upload.read(settings.XF_ATTACHMENT_MAX_BYTES + 1)
            return attachments.check_upload(upload.name, content)
        except ValidationError as exc:
            raise ValidationError(exc.messages) from None
