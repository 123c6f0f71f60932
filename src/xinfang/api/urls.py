from django.urls import path
from rest_framework.routers import SimpleRouter

from . import auth, orgs, views

app_name = "api"

router = SimpleRouter()
router.register("petitions", views.PetitionViewSet, basename="petition")
router.register("regions", orgs.RegionViewSet, basename="region")
router.register("units", orgs.UnitViewSet, basename="unit")
router.register("categories", orgs.CategoryViewSet, basename="category")

urlpatterns = [
    path("auth/token", auth.ObtainTokenView.as_view(), name="token"),
    path("me", auth.MeView.as_view(), name="me"),
    *router.urls,
]
