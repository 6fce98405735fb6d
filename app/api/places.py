"""/sysapi/places, /sysapi/places/suggest and /sysapi/place_update: the household's frequent places."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.models import User
from app.services import places
from app.services.places import Place

router = APIRouter(responses=ERROR_RESPONSES)


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | Annotated[str, Field(max_length=40)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | Annotated[str, Field(max_length=40)]


class PlaceRenameBody(BaseModel):
    latitude: Latitude = Field(description='Within 150 m of the place: its position from GET /sysapi/places')
    longitude: Longitude
    name: str = Field(min_length=1, max_length=120, description='The new name, 1 to 120 characters')


@router.get('/places', response_model=list[Place])
def api_places(
    limit: int = Query(50, ge=1, le=500, description='How many places, 1 to 500'),
    user: User = Depends(api_user),
) -> list[Place]:
    """The places of the caller's household (own and linked users' expenses), most visited first."""
    return places.frequent_places(user, limit)


@router.get('/places/suggest', response_model=list[Place])
def api_suggest_places(
    lat: float | None = Query(
        None, ge=-90, le=90, allow_inf_nan=False, description='Latitude of the current position, in degrees'
    ),
    lon: float | None = Query(
        None, ge=-180, le=180, allow_inf_nan=False, description='Longitude of the current position, in degrees'
    ),
    limit: int = Query(5, ge=1, le=50, description='How many suggestions, 1 to 50'),
    user: User = Depends(api_user),
) -> list[Place]:
    """With lat and lon: the known places within 1 km, nearest first, with their distance. Without: the most
    visited places. Each carries the category and payment method used most there."""
    return places.suggest_places(user, lat, lon, limit=limit)


@router.post(
    '/place_update',
    response_model=Place,
    openapi_extra=body_docs(PlaceRenameBody),
    responses={404: {'model': ErrorBody, 'description': 'No known place within 150 m of the position'}},
)
def api_place_update(body: PlaceRenameBody = body_of(PlaceRenameBody), user: User = Depends(api_user)) -> Place:
    """Name (or rename) the place at a position: every expense of the place takes the name."""
    return places.rename_place(user, body.latitude, body.longitude, body.name)
