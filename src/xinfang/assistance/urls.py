from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("apply/", views.grant_apply, name="apply"),
    path("<int:pk>/", views.grant_detail, name="detail"),
    path("<int:pk>/agreement/", views.agreement_issue, name="agreement_issue"),
    path("<int:pk>/agreement.<str:fmt>", views.agreement_download, name="agreement"),
    path("<int:pk>/<slug:step>/", views.grant_action, name="action"),
]
