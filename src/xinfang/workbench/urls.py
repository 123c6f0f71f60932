from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("", views.petition_list, name="list"),
    path("units/", views.unit_search, name="units"),
    path("register/<str:channel>/", views.register, name="register"),
    path("earlier/", views.earlier_petitions, name="earlier"),
    path("<int:pk>/", views.petition_detail, name="detail"),
    path(
        "<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
]
