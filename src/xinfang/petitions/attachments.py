"""Attachment checks: size and type judged by content, never by the file name alone."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

# Detected type → the extensions a file of that type may carry.
ALLOWED_TYPES = {
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/gif": {".gif"},
    "image/bmp": {".bmp"},
    "image/tiff": {".tif", ".tiff"},
    "application/pdf": {".pdf"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "audio/mpeg": {".mp3"},
    "audio/x-wav": {".wav"},
    "audio/m4a": {".m4a"},
    "video/mp4": {".mp4"},
    "text/plain": {".txt"},
}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{size / 1024:g} KB"


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot >= 0 else ""


def check_upload(name: str, content: bytes) -> CheckedFile:
    """Return the checked file, or raise ValidationError with a Chinese reason."""
    limit = settings.XF_ATTACHMENT_MAX_BYTES
    if not content:
        raise ValidationError(f"附件“{name}”是空文件。")
    if len(content) > limit:
        raise ValidationError(f"附件“{name}”超过大小上限（{human_size(limit)}）。")
    kind = filetype.guess(content)
    detected = kind.mime if kind else None
    if detected is None and _extension(name) == ".txt":
        try:
            content.decode("utf-8")
            detected = "text/plain"
        except UnicodeDecodeError:
            detected = None
    if detected not in ALLOWED_TYPES:
        raise ValidationError(
            f"附件“{name}”的文件类型不受支持。可上传图片、PDF、Word、Excel、音视频或纯文本文件。"
        )
    if _extension(name) not in ALLOWED_TYPES[detected]:
        raise ValidationError(f"附件“{name}”的内容与扩展名不符，请上传真实的文件。")
    return CheckedFile(
        name=name[-200:],
        content=content,
        content_type=detected or mimetypes.guess_type(name)[0] or "application/octet-stream",
        sha256=hashlib.sha256(content).hexdigest(),
    )


def store(checked: CheckedFile) -> str:
    """Write the content under its hash (once) and return the storage path."""
    path = f"attachments/{checked.sha256[:2]}/{checked.sha256}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(checked.content))
        if saved != path:  # a concurrent writer stored the same content first
            default_storage.delete(saved)
    return path
