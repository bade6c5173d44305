"""Model distribution for on-device reading: the active model's manifest and its files, versioned and cacheable."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emotions import classifier as active_model
from ml.export import FILE_PARTS
from museum_guide.api_errors import ApiError

# Version folder names as ml.export writes them ("efficientnet_v2_b0-96ff0316e93e"); nothing else is served.
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
# A version's files never change (a new model is a new version), so caches may keep them for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


def _manifest(folder: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((folder / "manifest.json").read_text())
    return manifest


def _file_url(request: Request, version: str, name: str) -> str:
    return request.build_absolute_uri(reverse("model-file", args=[version, name]))


def _server_reading() -> dict[str, Any]:
    """How this server reads a photo (its settings, not only the export's), for a phone to do the same."""
    from emotions.images import READ_MIN_LONG_SIDE
    from ml import faces

    confirm = settings.FACE_DETECTOR_CONFIRM_SCORE
    return {
        "flip_average": bool(settings.EMOTION_MODEL_TTA),
        "note": "flip_average: the probabilities of the face and of its mirror image, averaged",
        "photo": {
            "read_long_side": READ_MIN_LONG_SIDE,
            "note": "upright (EXIF orientation applied); a longer photo is shrunk by the largest whole factor"
            " that keeps at least read_long_side pixels on its long side",
        },
        "face_detector": {
            "score_threshold": settings.FACE_DETECTOR_MIN_SCORE,
            # Faces from confirm_threshold up to score_threshold are kept only where the verifier (MTCNN's
            # ONet, the manifest's "verifier" file, shown the face levelled by its eye landmarks) agrees.
            "confirm_threshold": min(confirm, settings.FACE_DETECTOR_MIN_SCORE),
            "verifier_veto": faces.VERIFIER_VETO,
            "verifier_confirm": faces.VERIFIER_CONFIRM,
            "confirm_top": faces.CONFIRM_TOP,
            "nms_threshold": faces.NMS_THRESHOLD,
            "top_k": faces.TOP_K,
            "detect_sides": list(faces.DETECT_SIDES),
            "min_image_side": faces.MIN_IMAGE_SIDE,
            "max_aspect": faces.MAX_ASPECT,
            "strides": list(faces.YUNET_STRIDES),
            "pad_divisor": faces.YUNET_STRIDES[-1],
            "input": "BGR pixels 0..255 as float32, NCHW, zero-padded right and bottom to a multiple of"
            " pad_divisor; outputs decoded as OpenCV's FaceDetectorYN does",
            "note": "each pass shrinks the photo by the largest whole factor keeping detect_sides[i] pixels on"
            " its long side (area averaging); the next pass runs only when one keeps no face. A face scoring"
            " score_threshold or more is dropped when the verifier gives it a face probability below"
            " verifier_veto; one from confirm_threshold up (among the first confirm_top of its pass) is kept when"
            " the verifier gives verifier_confirm or more. The verifier reads the face's square rotated so that"
            " the eye landmarks are level (edge pixels repeated past the border), area-resized to 48x48 RGB,"
            " (pixels - 127.5) / 128",
        },
    }


class CurrentModelView(APIView):
    """GET /models/current/: the manifest of the model the server runs, with download URLs of its files."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        from ml.checkpoint import CheckpointError

        try:
            folder = active_model.active_export()
        except CheckpointError as exc:
            raise ApiError(
                "model_unavailable",
                "The emotion model is not available right now.",
                status.HTTP_503_SERVICE_UNAVAILABLE,
            ) from exc
        manifest = _manifest(folder)
        for part in FILE_PARTS:
            manifest[part]["url"] = _file_url(request, manifest["model_version"], manifest[part]["file"])
        # How the server reads a face with this model, so that a phone's reading matches it.
        manifest["server_reading"] = _server_reading()
        response = Response(manifest)
        # Changes with every model deploy: cacheable, but revalidated (ETag) on each use.
        patch_cache_control(response, public=True, no_cache=True)
        return response


class ModelFileView(APIView):
    """GET /models/<version>/<file>: one file of an exported model version (ONNX), with a strong ETag."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, version: str, name: str) -> FileResponse:
        folder = Path(settings.EMOTION_EXPORT_DIR) / version
        try:
            if not _VERSION.match(version):
                raise FileNotFoundError(version)
            manifest = _manifest(folder)
            files = {manifest[part]["file"]: manifest[part]["sha256"] for part in FILE_PARTS}
            digest = files[name]
        except (OSError, KeyError, ValueError) as exc:
            raise ApiError(
                "not_found", f"There is no model file {name!r} of version {version!r}.", status.HTTP_404_NOT_FOUND
            ) from exc
        # FileResponse closes the file once it has been streamed.
        response = FileResponse(open(folder / name, "rb"), content_type="application/octet-stream")  # noqa: SIM115
        response["ETag"] = f'"{digest}"'
        response["Cache-Control"] = IMMUTABLE
        return response
