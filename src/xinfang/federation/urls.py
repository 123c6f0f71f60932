from django.urls import path

from . import views

app_name = "federation"
urlpatterns = [path("v1/events/", views.events, name="events")]
