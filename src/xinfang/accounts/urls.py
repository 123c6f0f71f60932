from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify, name="2fa-verify"),
    path("enrol/", views.enrol, name="2fa-enrol"),
    path("confirm/", views.reauthenticate, name="reauth"),
]
