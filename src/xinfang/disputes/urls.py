from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("report/", views.monthly_report, name="report"),
    path("<int:pk>/", views.dispute_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.dispute_action, name="action"),
]
