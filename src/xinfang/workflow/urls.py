from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("todo/", views.todo, name="todo"),
    path("petitions/<int:pk>/actions/<str:action>/", views.action, name="action"),
]
