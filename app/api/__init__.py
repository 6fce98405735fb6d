"""The /sysapi JSON API. Routers are included in main.py (so they survive NiceGUI's test resets)."""

from fastapi import APIRouter

from app.api import auth

sysapi = APIRouter(prefix='/sysapi')
sysapi.include_router(auth.router)
