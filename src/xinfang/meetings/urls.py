from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/minutes.<slug:fmt>", views.meeting_minutes, name="minutes"),
    path("<int:pk>/items/<int:item_id>/<slug:step>/", views.item_action, name="item_action"),
    path("<int:pk>/decisions/<int:decision_id>/complete/", views.decision_complete, name="complete"),
    path("<int:pk>/decisions/<int:decision_id>/supervise/", views.decision_supervise, name="supervise"),
]
