"""Documents whose delivery a transition recorded before the documents app was told of it: the handling opinion
of a delivered reply, the review and re-review opinions with their received dates. Without this they would
still say 未送达 on the petition page."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def backfill(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    Reply = apps.get_model("workflow", "Reply")
    Review = apps.get_model("evaluation", "Review")
    pending = Document.objects.filter(received_on__isnull=True, delivered_at__isnull=True)
    replies = Reply.objects.filter(petition=OuterRef("petition"), delivered_at__isnull=False).order_by(
        "-replied_at", "-id"
    )
    for document in pending.filter(kind="handling_opinion").annotate(
        reply_delivered_at=Subquery(replies.values("delivered_at")[:1]),
        reply_received_on=Subquery(replies.values("received_on")[:1]),
        reply_method=Subquery(replies.values("delivery_method")[:1]),
    ).filter(reply_delivered_at__isnull=False).iterator():
        document.delivery_method = document.reply_method or ""
        document.delivered_at = max(document.reply_delivered_at, document.issued_at)
        document.received_on = document.reply_received_on
        document.save(update_fields=["delivery_method", "delivered_at", "received_on"])
    for kind, level in (("review_opinion", "review"), ("re_review_opinion", "re_review")):
        reviews = Review.objects.filter(petition=OuterRef("petition"), level=level, received_on__isnull=False)
        for document in pending.filter(kind=kind).annotate(
            review_received_on=Subquery(reviews.values("received_on")[:1]),
        ).filter(review_received_on__isnull=False).iterator():
            document.delivered_at = document.issued_at
            document.received_on = document.review_received_on
            document.save(update_fields=["delivered_at", "received_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_delivery_proof"),
        ("workflow", "0004_deadline_open_duty_indexes"),
        ("evaluation", "0001_initial"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
