from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xinfang.campaigns"
    verbose_name = "专项活动"

    def ready(self):
        from xinfang.petitions.selectors import register_unit_scope
        from xinfang.workflow import labels

        from .selectors import responsible_for

        # A unit made responsible for a campaign case sees that petition (accusations stay hidden from the
        # accused unit: visible_to excludes them after every scope).
        register_unit_scope(responsible_for)
        labels.register_event_labels(
            {
                "create_campaign": "创建专项活动",
                "add_campaign_batch": "添加专项活动批次",
                "add_campaign_case": "纳入专项活动案件",
                "import_campaign_list": "导入交办案件清单",
                "screen_campaign_case": "甄别专项活动案件",
                "assign_campaign_case": "明确专项活动案件责任单位",
                "resolve_campaign_case": "专项活动案件化解",
                "close_campaign": "专项活动结束",
            }
        )
