from django.urls import path

from . import views

app_name = "assist"
urlpatterns = [
    path("intake/", views.intake_panel, name="intake"),
    path("choice/", views.record_choice, name="choice"),
    path("petitions/<int:pk>/", views.petition_panel, name="petition"),
    path("petitions/<int:pk>/units/", views.unit_suggestions, name="units"),
    path("petitions/<int:pk>/link-repeat/", views.link_repeat, name="link_repeat"),
    path("petitions/<int:pk>/link-related/", views.link_related, name="link_related"),
]
