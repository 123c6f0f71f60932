"""The search index: one row per petition holding its jieba-segmented text, space separated.

The database does the full-text part over `tokens` (migration 0001): on SQLite an FTS5 table kept in step by
triggers, on PostgreSQL a generated tsvector column ('simple' config: the words are already segmented) with
a GIN index. Writing this row through the ORM, or in bulk with INSERT ... SELECT, keeps both up to date.
"""

from django.db import models


class SearchDocument(models.Model):
    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    tokens = models.TextField("分词文本")

    class Meta:
        verbose_name = "检索文档"
        verbose_name_plural = "检索文档"

    def __str__(self):
        return str(self.petition_id)
