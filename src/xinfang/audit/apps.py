from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "xinfang.audit"
    verbose_name = "操作留痕"

    def ready(self):
        from django.db.backends.signals import connection_created

        from xinfang.orgs import hooks

        from . import guard
        from .services import record

        def record_org_change(*, action, target, actor, changes, data):
            record(action=action, target=target, actor=actor, changes=changes, data=data)

        hooks.register_recorder(record_org_change)
        connection_created.connect(guard.register_sqlite_function, dispatch_uid="xinfang.audit.guard")
