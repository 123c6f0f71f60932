from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("units.xlsx", views.units, name="units"),
    path("petitions/", views.petitions, name="petitions"),
    path("records/", views.records, name="records"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/<int:pk>.<str:fmt>", views.bulletin_file, name="bulletin_file"),
    path("assessment/", views.assessment_view, name="assessment"),
]
