from django.apps import AppConfig

from xinfang.workflow import hooks


class DocumentsConfig(AppConfig):
    name = "xinfang.documents"
    verbose_name = "文书"

    def ready(self) -> None:
        # Not at module level: services import models, which need the app registry loaded first.
        from . import delivery, services

        # The documents app sits above the workflow: it renders the notices transitions produce, and lists
        # what it issued for the workflow's pages.
        hooks.register_notice_issuer(services.issue_for_transition)
        hooks.register_document_lister(services.issued_on)
        hooks.register_delivery_recorder(delivery.delivered_by_transition)
