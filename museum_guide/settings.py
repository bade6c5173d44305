"""Settings for museum_guide, read from the environment only (see .env.example).

Embedded default: SQLite, no Redis (Celery runs tasks in process). Production: DATABASE_URL,
REDIS_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS from the environment, DJANGO_DEBUG off.
"""

import warnings
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env (copied from .env.example by `make install`) fills in what the shell lacks;
# real environment variables always win.
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-dev-key-only-for-debug-mode-0123456789abcdef")
else:
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.") from exc

_DEBUG_HOSTS = ["localhost", "127.0.0.1", "[::1]", "testserver"]
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=_DEBUG_HOSTS if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Web front ends on other origins that may call the API from a browser (native phone apps need none).
# Only the API answers cross-origin requests; visitor and staff tokens travel in the Authorization header,
# never in cookies, so credentials are not allowed cross-origin.
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["Location", "Retry-After"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "import_export",
    "exhibits",
    "emotions",
    "recommendations",
    "reports",
    "visit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before anything that can answer early, so that every API response (errors too) carries CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    "museum_guide.middleware.PageLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # ETag on GET responses and 304 for a matching If-None-Match; caching rules per API response.
    "django.middleware.http.ConditionalGetMiddleware",
    "museum_guide.middleware.ApiCacheControlMiddleware",
    "museum_guide.middleware.ApiBodyLimitMiddleware",
    "museum_guide.middleware.ApiRepeatedParameterMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "museum_guide.urls"
WSGI_APPLICATION = "museum_guide.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Password guessing: after this many failed sign-ins of one username from one address, wait this long.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=10)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Public media (exhibit images). Selfies never go here: see PRIVATE_MEDIA_ROOT.
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
MEDIA_CACHE_SECONDS = env.int("MEDIA_CACHE_SECONDS", default=3600)
# Before `collectstatic` (development, tests) STATIC_ROOT does not exist; WhiteNoise need not say so.
warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

REST_FRAMEWORK = {
    # Visitor tokens (mgv_...) first, so that a phone may send its token to any endpoint, public ones
    # included; other keys fall through to staff/analyst tokens and the admin session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "emotions.authentication.VisitorTokenAuthentication",
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON bodies only (what the schema declares); the selfie upload alone takes multipart.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "museum_guide.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "museum_guide.api_errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "museum_guide.throttling.VisitorRateThrottle",
        "museum_guide.throttling.AddressRateThrottle",
        "museum_guide.throttling.ScopedVisitorOrAddressThrottle",
    ],
    # Per minute. Many visitors share a museum's Wi-Fi address, so the address limits only stop scripts.
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("THROTTLE_ANON", default="600/minute"),
        "visitor": env.str("THROTTLE_VISITOR", default="240/minute"),
        "visitor_create": env.str("THROTTLE_VISITOR_CREATE", default="60/minute"),
        "capture_upload": env.str("THROTTLE_CAPTURE_UPLOAD", default="20/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "museum_guide API",
    "DESCRIPTION": (
        "Emotion-aware museum companion. Emotions reported by this API are facial expressions "
        "the camera saw, not the visitor's felt emotions."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "museum_guide.schema.add_error_responses",
        "museum_guide.schema.allow_empty_query_values",
    ],
    # Swagger UI from the pinned drf-spectacular-sidecar package, served as our own static files: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run in process (embedded default).
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
# Selfies and periodic jobs on separate queues, consumed by separate workers in production: a flood of
# selfies must not delay the job that rescues stuck captures, nor that job delay anybody's selfie.
CELERY_TASK_DEFAULT_QUEUE = "selfies"
CELERY_TASK_ROUTES = {
    "emotions.tasks.requeue_stuck_captures_task": {"queue": "maintenance"},
    "emotions.tasks.purge_capture_images_task": {"queue": "maintenance"},
    "emotions.tasks.erase_inactive_visitors_task": {"queue": "maintenance"},
    "recommendations.tasks.publish_due_profiles_task": {"queue": "maintenance"},
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Nothing lost: captures whose worker died or whose message vanished are enqueued again.
    "emotions-requeue-stuck-captures": {
        "task": "emotions.tasks.requeue_stuck_captures_task",
        "schedule": env.float("CAPTURE_REQUEUE_INTERVAL_SECONDS", default=10.0),
    },
    # Visitors inactive for VISITOR_RETENTION_DAYS are erased with everything of theirs.
    "emotions-erase-inactive-visitors": {
        "task": "emotions.tasks.erase_inactive_visitors_task",
        "schedule": env.float("VISITOR_RETENTION_INTERVAL_SECONDS", default=3600.0),
    },
    # Exhibit profile snapshots that became due without a new event (bulk loads, a fresh migration).
    "recommendations-publish-due-profiles": {
        "task": "recommendations.tasks.publish_due_profiles_task",
        "schedule": env.float("PROFILE_PUBLISH_INTERVAL_SECONDS", default=3600.0),
    },
    # Selfies kept past their retention (or orphaned by a crash) are deleted.
    "emotions-purge-capture-images": {
        "task": "emotions.tasks.purge_capture_images_task",
        "schedule": env.float("CAPTURE_PURGE_INTERVAL_SECONDS", default=600.0),
    },
}

# Recommendations and routes (recommendations app). Scores are in "probability of a desired
# expression" units: e.g. 0.004 per walking minute means 10 minutes cost 4 points.
RECOMMENDATIONS_PRIOR_STRENGTH = env.float("RECOMMENDATIONS_PRIOR_STRENGTH", default=5.0)
# Trust in the curators' expected emotions versus a uniform guess (their weights are not face shares).
RECOMMENDATIONS_PRIOR_CONFIDENCE = env.float("RECOMMENDATIONS_PRIOR_CONFIDENCE", default=0.5)
RECOMMENDATIONS_SENSITIVITY_STRENGTH = env.float("RECOMMENDATIONS_SENSITIVITY_STRENGTH", default=10.0)
RECOMMENDATIONS_WALK_PENALTY_PER_MINUTE = env.float("RECOMMENDATIONS_WALK_PENALTY_PER_MINUTE", default=0.004)
RECOMMENDATIONS_EXPLORATION = env.float("RECOMMENDATIONS_EXPLORATION", default=0.03)
RECOMMENDATIONS_DIVERSITY = env.float("RECOMMENDATIONS_DIVERSITY", default=0.15)
# Below this many (published, bucketed) visitors a reason line cites the curators' expectation instead.
RECOMMENDATIONS_MIN_EVIDENCE = env.int("RECOMMENDATIONS_MIN_EVIDENCE", default=5)
# Route search (recommendations.routing): it stops after ROUTE_ILS_PATIENCE perturbations in a row without
# a route at least 0.1% better (routing.ILS_MIN_GAIN); ROUTE_TIME_LIMIT_SECONDS is only the safety net.
ROUTE_ILS_PATIENCE = env.int("ROUTE_ILS_PATIENCE", default=30)
ROUTE_TIME_LIMIT_SECONDS = env.float("ROUTE_TIME_LIMIT_SECONDS", default=0.15)
ROUTE_MAX_BUDGET_MINUTES = env.float("ROUTE_MAX_BUDGET_MINUTES", default=720.0)

# k of museum_guide.disclosure: no published number (report group or cell, exhibit profile snapshot)
# describes fewer distinct visitors than this.
REPORT_MIN_GROUP_SIZE = env.int("REPORT_MIN_GROUP_SIZE", default=5)
# Reports read pre-aggregated rollups (reports.rollups, PostgreSQL only) instead of every report row;
# off: every report counts the per-event projection (SQLite always does).
REPORT_ROLLUPS = env.bool("REPORT_ROLLUPS", default=True)

# Selfies of one visitor waiting or being read at once; another upload gets 429 until one finishes, so one
# phone cannot fill the worker queue ahead of everybody else.
CAPTURE_MAX_IN_FLIGHT = env.int("CAPTURE_MAX_IN_FLIGHT", default=3)

# How long the visitor web app waits for a selfie's reading before it offers "Try again" (which looks again
# for the same capture; nothing is uploaded twice).
VISIT_POLL_TIMEOUT_SECONDS = env.int("VISIT_POLL_TIMEOUT_SECONDS", default=120)

# Largest API request body (JSON) accepted; the selfie upload has its own CAPTURE_MAX_UPLOAD_BYTES.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=64 * 1024)

# Seconds browsers and shared caches may keep public catalogue responses (venues, halls, exhibits).
CATALOGUE_CACHE_SECONDS = env.int("CATALOGUE_CACHE_SECONDS", default=60)

# Walking speed used to turn distances on a floor into minutes.
WALKING_SPEED_M_PER_S = env.float("WALKING_SPEED_M_PER_S", default=1.0)

# Base of the public links printed on exhibit QR labels (<PUBLIC_BASE_URL>/visit/e/<slug>), no trailing slash.
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://localhost:8000").rstrip("/")
# The museum's (or the operator's) name in the staff admin's header and browser tab titles.
SITE_NAME = env.str("SITE_NAME", default="Museum Guide")

# The trained emotion model the web and worker processes load.
EMOTION_MODEL_PATH = env.path("EMOTION_MODEL_PATH", default=BASE_DIR / "ml" / "weights" / "emotion_model.pt")

# The face detector (YuNet ONNX, MIT licence, sha256 in SHA256SUMS beside it) and the detector confidence a
# face needs; lower finds more faces in poor light and more false faces on patterned walls.
FACE_DETECTOR_PATH = env.path(
    "FACE_DETECTOR_PATH", default=BASE_DIR / "ml" / "weights" / "yunet" / "face_detection_yunet_2026may.onnx"
)
FACE_DETECTOR_MIN_SCORE = env.float("FACE_DETECTOR_MIN_SCORE", default=0.8)
# Faces scoring from this up to FACE_DETECTOR_MIN_SCORE count only where a second network (MTCNN's ONet)
# confirms them (ml.faces).
FACE_DETECTOR_CONFIRM_SCORE = env.float("FACE_DETECTOR_CONFIRM_SCORE", default=0.25)

# Emotion model threads per process (None = the runtime's default).
EMOTION_MODEL_NUM_THREADS = env.int("EMOTION_MODEL_NUM_THREADS", default=None)
# "onnx": web and worker run the model exported from EMOTION_MODEL_PATH with onnxruntime (about 7x faster per
# face than torch; exported on first use when missing or stale); "torch": the checkpoint itself.
EMOTION_RUNTIME = env.str("EMOTION_RUNTIME", default="onnx")
# Read each face twice, as is and mirrored, and average (flip test-time augmentation): one batch of two,
# about 1 ms more on onnxruntime; +0.6 points of val/ accuracy and ECE 0.032 -> 0.025 (docs/MODEL_CARD.md).
EMOTION_MODEL_TTA = env.bool("EMOTION_MODEL_TTA", default=True)
# Where exports live (<dir>/<model version>/: ONNX graph, face detector, manifest.json); phones download them.
EMOTION_EXPORT_DIR = env.path("EMOTION_EXPORT_DIR", default=BASE_DIR / "var" / "models")

# Selfie uploads (emotions app).
CAPTURE_MAX_UPLOAD_BYTES = env.int("CAPTURE_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Decoded size limit: a small file can still expand into gigabytes of pixels (decompression bomb).
CAPTURE_MAX_PIXELS = env.int("CAPTURE_MAX_PIXELS", default=40_000_000)
# Seconds a processed selfie is kept before deletion; 0 = deleted in the transaction's on-commit.
CAPTURE_RETENTION_SECONDS = env.int("CAPTURE_RETENTION_SECONDS", default=0)
# Days without activity (a selfie or a change of their own data) after which a visitor is erased.
VISITOR_RETENTION_DAYS = env.int("VISITOR_RETENTION_DAYS", default=30)
# A capture still pending after this long (its message lost) is enqueued again. Long, because under load a
# pending capture may simply be waiting its turn.
CAPTURE_STUCK_AFTER_SECONDS = env.int("CAPTURE_STUCK_AFTER_SECONDS", default=300)
# A capture processing this long lost its worker (reading one face takes about a second): enqueued again.
CAPTURE_PROCESSING_STUCK_SECONDS = env.int("CAPTURE_PROCESSING_STUCK_SECONDS", default=30)
# Processing attempts after which a capture fails for good (poison images, dead model).
CAPTURE_MAX_ATTEMPTS = env.int("CAPTURE_MAX_ATTEMPTS", default=5)
# Version of the privacy notice (GET /api/v1/privacy/) that a visitor's consent refers to.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-12-02")
# Uploaded files above this size stream to a temporary file instead of memory; request bodies
# themselves are bounded by CAPTURE_MAX_UPLOAD_BYTES in the upload view (413 image_too_large).
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
