"""/sysapi routes for users (filled in by the issue that builds them)."""

from fastapi import APIRouter

from app.api.errors import ERROR_RESPONSES

router = APIRouter(responses=ERROR_RESPONSES)
