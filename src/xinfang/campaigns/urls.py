from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.campaign_action, name="action"),
    path("cases/<int:pk>/<slug:step>/", views.case_action, name="case_action"),
]
