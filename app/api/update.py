"""/sysapi/update/check, /sysapi/update/execute, /sysapi/update/status, and /sysapi/health."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from app.api.deps import api_admin, api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.models import User
from app.services import database_health, updates
from app.services.database_health import Health

router = APIRouter(responses=ERROR_RESPONSES)


@router.get(
    '/update/check',
    response_model=updates.UpdateCheck,
    responses={403: {'model': ErrorBody, 'description': 'Only administrators may check for updates'}},
)
def update_check(user: User = Depends(api_admin)) -> updates.UpdateCheck:
    """The installed and the latest version, with the changelog between them (administrators only: the
    check contacts the update source, and the answer names it)."""
    return updates.check(force=True)


@router.post(
    '/update/execute',
    response_model=updates.UpdateStatus,
    status_code=202,
    responses={
        403: {'model': ErrorBody, 'description': 'Only administrators may update'},
        409: {'model': ErrorBody, 'description': 'An update is already running'},
    },
)
def update_execute(user: User = Depends(api_admin)) -> updates.UpdateStatus:
    """Start the update (administrators only); follow it with GET /sysapi/update/status."""
    return updates.start()


@router.get('/update/status', response_model=updates.UpdateStatus)
def update_status(user: User = Depends(api_user)) -> updates.UpdateStatus:
    """The current or last update: state, step, progress, log and error; kept across restarts."""
    return updates.read_status()


@router.get('/health', response_model=Health, responses={503: {'model': Health}})
def health() -> Health | JSONResponse:
    """For monitors and the update's checks: no key needed; 503 when the database does not answer."""
    answer = database_health.health()
    return answer if answer.ok else JSONResponse(asdict(answer), status_code=503)
