from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinfang.audit"
    verbose_name = "操作留痕"
