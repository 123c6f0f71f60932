from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.board, name="board"),
    path("units/", views.board_unit_search, name="board_units"),
    path("supervisions/", views.supervision_list, name="list"),
    path("supervisions/open/", views.supervision_open, name="open"),
    path("supervisions/open/units/", views.open_unit_search, name="open_units"),
    path("supervisions/<int:pk>/", views.supervision_detail, name="detail"),
    path("supervisions/<int:pk>/answer/", views.supervision_answer, name="answer"),
    path("supervisions/<int:pk>/close/", views.supervision_close, name="close"),
]
