from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "xinfang.federation"
    verbose_name = "实例联网"

    def ready(self):
        from xinfang.workflow import hooks, labels

        from . import outbox, registry  # noqa: F401

        hooks.register_in_transaction(outbox.on_transition)
        labels.register_event_labels(
            {
                "federation_upper_act": "上级联网操作（已记录）",
                "federation_quarantine": "联网事件隔离",
                "federation_replay": "联网事件重发",
                "federation_refused": "联网请求拒收",
                "federation_peer": "登记联网实例",
            }
        )
