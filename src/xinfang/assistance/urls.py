from django.urls import path

from . import views

app_name = "assistance"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("apply/", views.grant_apply, name="apply"),
    path("<int:pk>/", views.grant_detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.grant_action, name="action"),
]
