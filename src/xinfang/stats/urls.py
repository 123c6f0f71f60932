from django.urls import path

from . import hotspot_campaign, inbox_views, views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units.xlsx", views.units, name="units"),
    path("jurisdictions.xlsx", views.lower_jurisdictions, name="jurisdictions"),
    path("petitions/", views.petitions, name="petitions"),
    path("records/", views.records, name="records"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>.<str:fmt>", views.bulletin_file, name="bulletin_file"),
    path("bulletins/<int:pk>/receipts/", inbox_views.receipts, name="bulletin_receipts"),
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<int:pk>/", inbox_views.inbox_bulletin, name="inbox_bulletin"),
    path("inbox/<int:pk>.<str:fmt>", inbox_views.inbox_file, name="inbox_file"),
    path("assessment/", views.assessment_view, name="assessment"),
    path("hotspots/campaign/", hotspot_campaign.start_campaign, name="hotspot_campaign"),
]
