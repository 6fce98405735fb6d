"""/sysapi/update/check, /sysapi/update/execute, /sysapi/update/status, and /sysapi/health."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from app.api.deps import api_admin, api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.models import User
from app.services import updates

router = APIRouter(responses=ERROR_RESPONSES)


class ChangelogEntry(BaseModel):
    version: str
    date: str
    notes: str


class CheckOut(BaseModel):
    current_version: str
    latest_version: str
    update_available: bool
    source: str
    release: str
    notes: list[ChangelogEntry]
    checked_at: str
    error: str


class StepOut(BaseModel):
    name: str
    label: str
    state: str


class LogLine(BaseModel):
    time: str
    level: str
    message: str


class StatusOut(BaseModel):
    state: str
    step: str
    step_label: str
    progress: int
    from_version: str
    to_version: str
    started_at: str
    finished_at: str
    error: str
    failed_step: str
    rolled_back: bool
    executor: str
    steps: list[StepOut]
    log: list[LogLine]


class HealthOut(BaseModel):
    status: str
    version: str
    database: str


@router.get(
    '/update/check',
    response_model=CheckOut,
    responses={403: {'model': ErrorBody, 'description': 'Only administrators may check for updates'}},
)
def update_check(user: User = Depends(api_admin)):
    """The installed and the latest version, with the changelog between them (administrators only: the
    check contacts the update source, and the answer names it)."""
    return updates.check(force=True)


@router.post(
    '/update/execute',
    response_model=StatusOut,
    status_code=202,
    responses={
        403: {'model': ErrorBody, 'description': 'Only administrators may update'},
        409: {'model': ErrorBody, 'description': 'An update is already running'},
    },
)
def update_execute(user: User = Depends(api_admin)):
    """Start the update (administrators only); follow it with GET /sysapi/update/status."""
    return updates.start()


@router.get('/update/status', response_model=StatusOut)
def update_status(user: User = Depends(api_user)):
    """The current or last update: state, step, progress, log and error; kept across restarts."""
    return updates.public_status(updates.read_status())


@router.get('/health', response_model=HealthOut, responses={503: {'model': HealthOut}})
def health():
    """For monitors and the update's checks: no key needed; 503 when the database does not answer."""
    answer = updates.health()
    return answer if answer['status'] == 'ok' else JSONResponse(answer, status_code=503)
