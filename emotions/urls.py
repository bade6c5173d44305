"""Routes of the emotions API (mounted under /api/v1/)."""

from django.urls import path

from emotions import model_views, views

urlpatterns = [
    path("visitors/", views.VisitorCreateView.as_view(), name="visitor-create"),
    path("visitors/me/", views.VisitorMeView.as_view(), name="visitor-me"),
    path("visitors/me/token/", views.VisitorTokenView.as_view(), name="visitor-token"),
    path("visitors/me/export/", views.VisitorExportView.as_view(), name="visitor-export"),
    path("visitors/me/events/", views.VisitorEventsView.as_view(), name="visitor-events"),
    path("captures/", views.CaptureCreateView.as_view(), name="capture-create"),
    path("captures/<uuid:capture_id>/", views.CaptureDetailView.as_view(), name="capture-detail"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy-notice"),
    path("emotions/", views.EmotionLabelsView.as_view(), name="emotion-labels"),
    path("models/current/", model_views.CurrentModelView.as_view(), name="model-current"),
    path("models/<str:version>/<str:name>", model_views.ModelFileView.as_view(), name="model-file"),
]
