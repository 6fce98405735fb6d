"""A refusal from a service shown where the person can act on it: under the field it names, and as a
notification for the rest."""

from __future__ import annotations

from collections.abc import Mapping

from nicegui import ui

from app.services.errors import ServiceError


def show_service_error(exc: ServiceError, fields: Mapping[str, object]) -> None:
    target = fields.get(exc.field or '')
    if target is not None:
        target.error = exc.message
    ui.notify(exc.message, type='negative')
