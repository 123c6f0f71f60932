import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('audit', '0003_append_only_triggers'),
        ('orgs', '0001_initial'),
        ('petitions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentSequence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('prefix', models.CharField(max_length=80, unique=True)),
                ('last', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='DocumentTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('acceptance_notice', '受理告知书'), ('non_acceptance_notice', '不予受理告知书'), ('transfer_notice', '转送告知书'), ('extension_notice', '延期告知书'), ('handling_opinion', '信访处理意见书'), ('review_opinion', '复查意见书'), ('re_review_opinion', '复核意见书'), ('no_reacceptance_notice', '不再受理告知书'), ('supervision_letter', '督办函')], max_length=30, unique=True, verbose_name='文书种类')),
                ('name', models.CharField(max_length=100, verbose_name='模板名称')),
                ('title', models.CharField(max_length=100, verbose_name='文书标题')),
                ('number_word', models.CharField(help_text='文号中〔年份〕之后、“字第”之前的字样，如“受”得到“〔2026〕受字第1号”', max_length=10, verbose_name='文号字样')),
                ('body', models.TextField(help_text='Django 模板语言。可用标记：<header>发文机关（红头）</header>、<p class="number">文号</p>、<h1>标题</h1>、<h2>小标题</h2>、<p class="salutation">称呼</p>、<p>正文段落</p>、<p class="note">附注</p>、<div class="signature"><p>落款</p><p>日期</p></div>。过滤器：cn_date（日期）、cn_number（中文数字）、paragraphs（按行分段）、clause（去掉句末标点）。', verbose_name='正文模板')),
                ('version', models.PositiveIntegerField(default=1, editable=False, verbose_name='版本')),
                ('updated_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='修改时间')),
                ('updated_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='修改人')),
            ],
            options={
                'verbose_name': '文书模板',
                'verbose_name_plural': '文书模板',
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('acceptance_notice', '受理告知书'), ('non_acceptance_notice', '不予受理告知书'), ('transfer_notice', '转送告知书'), ('extension_notice', '延期告知书'), ('handling_opinion', '信访处理意见书'), ('review_opinion', '复查意见书'), ('re_review_opinion', '复核意见书'), ('no_reacceptance_notice', '不再受理告知书'), ('supervision_letter', '督办函')], max_length=30, verbose_name='文书种类')),
                ('title', models.CharField(max_length=100, verbose_name='标题')),
                ('number', models.CharField(max_length=100, unique=True, verbose_name='文号')),
                ('year', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('serial', models.PositiveIntegerField(verbose_name='序号')),
                ('issued_at', models.DateTimeField(verbose_name='出具时间')),
                ('template_version', models.PositiveIntegerField(verbose_name='模板版本')),
                ('context', models.JSONField(default=dict, verbose_name='填充内容')),
                ('docx', models.FileField(max_length=200, upload_to='', verbose_name='Word 文件')),
                ('docx_sha256', models.CharField(max_length=64, verbose_name='Word 文件摘要')),
                ('pdf', models.FileField(max_length=200, upload_to='', verbose_name='PDF 文件')),
                ('pdf_sha256', models.CharField(max_length=64, verbose_name='PDF 文件摘要')),
                ('delivery_method', models.CharField(blank=True, choices=[('in_person', '直接送达'), ('post', '邮寄送达'), ('online', '网上送达'), ('sms', '短信送达')], max_length=12, verbose_name='送达方式')),
                ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='送达时间')),
                ('received_on', models.DateField(blank=True, null=True, verbose_name='签收日期')),
                ('delivered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='送达登记人')),
                ('event', models.ForeignKey(blank=True, help_text='产生本文书的流程操作', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='audit.event', verbose_name='所属操作')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='出具人')),
                ('issuing_unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='orgs.orgunit', verbose_name='出具单位')),
                ('petition', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='petitions.petition', verbose_name='信访事项')),
                ('template', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='documents.documenttemplate', verbose_name='模板')),
            ],
            options={
                'verbose_name': '文书',
                'verbose_name_plural': '文书',
                'ordering': ['issued_at', 'id'],
                'indexes': [models.Index(fields=['petition', 'issued_at'], name='document_petition_issued')],
            },
        ),
    ]
