from django.urls import path
from rest_framework.routers import SimpleRouter

from . import (
    actions,
    assistance,
    auth,
    campaigns,
    disputes,
    leaders_appointments,
    leaders_instructions,
    leaders_ownership,
    leaders_reception,
    meetings,
    orgs,
    related,
    stats,
    views,
)

app_name = "api"

router = SimpleRouter()
router.register("petitions", views.PetitionViewSet, basename="petition")
router.register("regions", orgs.RegionViewSet, basename="region")
router.register("units", orgs.UnitViewSet, basename="unit")
router.register("categories", orgs.CategoryViewSet, basename="category")
router.register("assistance", assistance.GrantViewSet, basename="grant")
router.register("disputes", disputes.DisputeViewSet, basename="dispute")
router.register("campaigns", campaigns.CampaignViewSet, basename="campaign")
router.register("campaign-cases", campaigns.CampaignCaseViewSet, basename="campaign-case")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("reception/schedules", leaders_reception.ScheduleViewSet, basename="reception-schedule")
router.register("reception/sessions", leaders_reception.SessionViewSet, basename="reception-session")
router.register("appointments", leaders_appointments.AppointmentViewSet, basename="appointment")
router.register("ownerships", leaders_ownership.OwnershipViewSet, basename="ownership")
router.register("submissions", leaders_instructions.SubmissionViewSet, basename="submission")
router.register("instructions", leaders_instructions.InstructionTargetViewSet, basename="instruction")

urlpatterns = [
    path("auth/token", auth.ObtainTokenView.as_view(), name="token"),
    path("auth/tokens/", auth.TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<int:id>/", auth.TokenDetailView.as_view(), name="token-detail"),
    path("me", auth.MeView.as_view(), name="me"),
    path("stats/", stats.StatsView.as_view(), name="stats"),
    path("petitions/<int:id>/actions/", actions.AvailableActionsView.as_view(), name="petition-actions"),
    path(
        "petitions/<int:id>/actions/<str:action>/",
        actions.PerformActionView.as_view(),
        name="petition-action",
    ),
    path("petitions/<int:id>/deadlines/", actions.DeadlinesView.as_view(), name="petition-deadlines"),
    # Before the router's petitions/<pk>/, which would take "related" for a key.
    path("petitions/related/", related.RelatedView.as_view(), name="petition-related"),
    *router.urls,
]
