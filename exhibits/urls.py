"""Catalogue API routes (mounted under /api/v1/)."""

from rest_framework.routers import DefaultRouter

from exhibits.api_views import ExhibitViewSet, HallViewSet, VenueViewSet

router = DefaultRouter()
router.register("venues", VenueViewSet, basename="venue")
router.register("halls", HallViewSet, basename="hall")
router.register("exhibits", ExhibitViewSet, basename="exhibit")

urlpatterns = router.urls
