from django.urls import path

from . import appointments, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("file/", views.file_petition, name="file"),
    path("file/done/", views.filed, name="filed"),
    path("follow/", views.follow, name="follow"),
    path("case/<int:pk>/", views.case, name="case"),
    path("case/<int:pk>/rate/", views.rate, name="rate"),
    path("case/<int:pk>/review/", views.request_review, name="request_review"),
    path("case/<int:pk>/re-review/", views.request_re_review, name="request_re_review"),
    path(
        "case/<int:pk>/documents/<int:document_pk>/pdf/", views.download, {"fmt": "pdf"}, name="download_pdf"
    ),
    path(
        "case/<int:pk>/documents/<int:document_pk>/docx/",
        views.download,
        {"fmt": "docx"},
        name="download_docx",
    ),
    path("reception/", appointments.reception, name="reception"),
    path("appointments/new/", appointments.appointment_new, name="appointment_new"),
    path("appointments/done/", appointments.appointment_done, name="appointment_done"),
    path("appointments/check/", appointments.appointment_check, name="appointment_check"),
    path("appointments/<int:pk>/", appointments.appointment, name="appointment"),
    path("leave/", views.leave, name="leave"),
    path("account/", views.account, name="account"),
    path("account/verify/", views.account_verify, name="account_verify"),
]
