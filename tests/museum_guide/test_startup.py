"""The serving process's start: every view loaded, and the loaded heap kept out of full garbage collections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

CHECK = """
import gc, sys
assert gc.get_freeze_count() == 0
import museum_guide.wsgi
print(gc.get_freeze_count(), "reports.views" in sys.modules, "recommendations.views" in sys.modules)
"""


def test_the_wsgi_module_loads_every_view_and_freezes_what_it_loaded() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=Path(settings.BASE_DIR),
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "museum_guide.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, reports_loaded, recommendations_loaded = result.stdout.split()
    assert int(frozen) > 100_000  # Django, DRF and the project's modules: a few hundred thousand objects
    assert reports_loaded == recommendations_loaded == "True"
