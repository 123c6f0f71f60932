from django.urls import path

from .views import appointments, instructions, ownership, reception

app_name = "leaders"
urlpatterns = [
    path("", reception.session_list, name="sessions"),
    path("schedules/", reception.schedule_list, name="schedules"),
    path("schedules/new/", reception.schedule_edit, name="schedule_new"),
    path("schedules/<int:pk>/", reception.schedule_detail, name="schedule"),
    path("schedules/<int:pk>/edit/", reception.schedule_edit, name="schedule_edit"),
    path("sessions/new/", reception.session_new, name="session_new"),
    path("sessions/<int:pk>/", reception.session_detail, name="session"),
    path("sessions/<int:pk>/link/", reception.session_link, name="session_link"),
    path("sessions/<int:pk>/outcome/<int:petition_pk>/", reception.session_outcome, name="session_outcome"),
    path("sessions/<int:pk>/cancel/", reception.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/work/", reception.session_work, name="session_work"),
    path("appointments/", appointments.appointment_list, name="appointments"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/confirm/", appointments.appointment_confirm, name="appointment_confirm"),
    path("appointments/<int:pk>/move/", appointments.appointment_move, name="appointment_move"),
    path("appointments/<int:pk>/decline/", appointments.appointment_decline, name="appointment_decline"),
    path("ownerships/", ownership.my_ownerships, name="ownerships"),
    path("ownerships/new/", ownership.ownership_new, name="ownership_new"),
    path("ownerships/<int:pk>/", ownership.ownership_detail, name="ownership"),
    path("ownerships/<int:pk>/progress/", ownership.ownership_progress, name="ownership_progress"),
    path("ownerships/<int:pk>/resolve/", ownership.ownership_resolve, name="ownership_resolve"),
    path("ownerships/<int:pk>/hand-on/", ownership.ownership_hand_on, name="ownership_hand_on"),
    path("queue/", instructions.queue, name="queue"),
    path("submit/", instructions.submit, name="submit"),
    path("submissions/<int:pk>/", instructions.submission_detail, name="submission"),
    path("submissions/<int:pk>/instruct/", instructions.submission_instruct, name="instruct"),
    path("instructions/", instructions.unit_instructions, name="unit_instructions"),
    path("instructions/<int:pk>/answer/", instructions.answer, name="answer"),
]
