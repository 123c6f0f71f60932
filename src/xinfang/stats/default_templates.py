"""The bulletin templates shipped with xinfang (the data migration copies them; administrators edit the copies).

They use the documents app's markup (header, number, h1, h2, p, signature) and filters (cn_date, cn_number);
each list item arrives as one finished line of text, so the templates stay short.
"""

DAILY = """<header>{{ issuer }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p class="salutation">（{{ period_label }}）</p>
<p>{{ summary }}</p>
<h2>一、越级访情况</h2>
{% for line in skip_level %}<p>{{ forloop.counter }}. {{ line }}</p>{% empty %}<p>无。</p>{% endfor %}
<h2>二、网信电访情况</h2>
{% for line in online_letter_phone %}<p>{{ forloop.counter }}. {{ line }}</p>{% empty %}<p>无。</p>{% endfor %}
<h2>三、群众来访接待中心来访情况</h2>
{% for line in local_visits %}<p>{{ forloop.counter }}. {{ line }}</p>{% empty %}<p>无。</p>{% endfor %}
<h2>四、红黄牌督办事项</h2>
<p>超期未办结（红牌）{{ red_count }}件，即将到期（黄牌）{{ yellow_count }}件。</p>
{% for line in red %}<p>红牌{{ forloop.counter }}. {{ line }}</p>{% endfor %}
{% for line in yellow %}<p>黄牌{{ forloop.counter }}. {{ line }}</p>{% endfor %}
<h2>五、领导包案化解情况</h2>
<p>{{ ownership_summary }}</p>
{% for line in ownership_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}
{% if surge_lines %}<h2>六、激增预警</h2>
{% for line in surge_lines %}<p>{{ forloop.counter }}. {{ line }}。</p>{% endfor %}{% endif %}
<div class="signature"><p>{{ issuer }}</p><p>{{ issued_on|cn_date }}</p></div>
"""

PERIODIC = """<header>{{ issuer }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p class="salutation">（{{ period_label }}）</p>
<h2>一、信访总体情况</h2>
{% for line in summary_paragraphs %}<p>{{ line }}</p>{% endfor %}
<h2>二、各单位信访事项办理情况</h2>
{% for line in unit_lines %}<p>{{ line }}</p>{% empty %}<p>本期各单位无到期应办事项。</p>{% endfor %}
<h2>三、超期和督办事项</h2>
<p>截至{{ as_of|cn_date }}，超期未办结信访事项{{ red_count }}件。</p>
{% for line in red %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}
{% for line in supervision_lines %}<p>{{ line }}</p>{% endfor %}
<h2>四、热点问题和重点区域</h2>
<p>{{ hot_categories }}</p>
<p>{{ hot_regions }}</p>
{% for line in surge_lines %}<p>激增预警：{{ line }}。</p>{% endfor %}
{% if assessment_lines %}<h2>五、月度考评情况</h2>
{% for line in assessment_lines %}<p>{{ line }}</p>{% endfor %}
{% for line in streak_lines %}<p>{{ line }}</p>{% endfor %}{% endif %}
{% if meeting_overdue_lines or meeting_frequency_lines %}<h2>六、联席会议议定事项落实和会议召开情况</h2>
<p>超期未落实的联席会议议定事项{{ meeting_overdue_count }}件。</p>
{% for line in meeting_overdue_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% endfor %}
{% for line in meeting_frequency_lines %}<p>{{ line }}</p>{% endfor %}{% endif %}
{% if target_lines %}<h2>七、年度目标完成情况</h2>
{% for line in target_lines %}<p>{{ forloop.counter }}. {{ line }}。</p>{% endfor %}{% endif %}
<div class="signature"><p>{{ issuer }}</p><p>{{ issued_on|cn_date }}</p></div>
"""

RECEPTION = """<header>{{ issuer }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p class="salutation">（{{ period_label }}）</p>
<p>{{ summary }}</p>
<h2>一、{{ level_name }}党政领导公开接访情况</h2>
{% for line in leader_lines %}<p>{{ forloop.counter }}. {{ line }}</p>{% empty %}<p>本周无领导公开接访。</p>{% endfor %}
{% if idle_lines %}<h2>二、未举行的接访</h2>
{% for line in idle_lines %}<p>{{ line }}</p>{% endfor %}{% endif %}
<div class="signature"><p>{{ issuer }}</p><p>{{ issued_on|cn_date }}</p></div>
"""

CAMPAIGN = """<header>{{ issuer }}</header>
<p class="number">{{ number }}</p>
<h1>{{ title }}</h1>
<p class="salutation">（{{ period_label }}）</p>
<p>{{ summary }}</p>
{% for campaign in campaigns %}<h2>{{ forloop.counter|cn_number }}、{{ campaign.name }}</h2>
<p>{{ campaign.sentence }}，尚未化解{{ campaign.remaining }}案。</p>
<p>各责任单位化解率排名：</p>
{% for line in campaign.ranking_lines %}<p>{{ line }}</p>{% endfor %}
{% empty %}<p>本周无正在开展的专项活动。</p>{% endfor %}
<div class="signature"><p>{{ issuer }}</p><p>{{ issued_on|cn_date }}</p></div>
"""

TEMPLATES = {
    "daily": ("信访情况日通报", DAILY),
    "weekly": ("信访要情", PERIODIC),
    "monthly": ("信访工作月度通报", PERIODIC),
    "reception": ("县级党政领导公开接访情况周通报", RECEPTION),
    "campaign": ("专项活动化解进度周通报", CAMPAIGN),
}
