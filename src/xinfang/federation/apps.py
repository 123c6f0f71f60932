from django.apps import AppConfig


class FederationConfig(AppConfig):
    name = "xinfang.federation"
    verbose_name = "实例联网"

    def ready(self):
        from xinfang.petitions import hooks as petition_hooks
        from xinfang.stats import peer_figures
        from xinfang.workflow import hooks, labels

        from . import outbox, reporting, visits

        hooks.register_in_transaction(outbox.on_transition)
        petition_hooks.register_after_insert(visits.after_insert)
        peer_figures.register_peer_rows(reporting.peer_rows)
        peer_figures.register_notified_visits(visits.notified)
        labels.register_event_labels(
            {
                "federation_upper_act": "上级联网操作（已记录）",
                "federation_quarantine": "联网事件隔离",
                "federation_replay": "联网事件重发",
                "federation_refused": "联网请求拒收",
                "federation_peer": "登记联网实例",
                "federation_skip_level_visit": "上级通报越级访",
            }
        )
