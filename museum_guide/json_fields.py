"""Serializer fields that read JSON values as JSON: a boolean is not a number and a number is not a boolean.

DRF's own fields are lenient for HTML forms (`1`, `"yes"`, `"on"` are True; `true` is the float 1.0); an API
whose schema says boolean or number must refuse the other type, as the property-based schema test checks.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class NumberField(serializers.FloatField):
    """A float that refuses booleans (Python reads `true` as 1, which a client never means as a number)."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("invalid")
        return float(super().to_internal_value(data))


class StrictBooleanField(serializers.BooleanField):
    """JSON `true` or `false` only; `0`, `1` and strings are refused with 400 `invalid`."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data
