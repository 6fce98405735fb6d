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

router = APIRouter(responses=ERROR_RESPONSES)


class PlaceOut(BaseModel):
    name: str = Field(description='The name given to the place; empty until someone names it')
    label: str = Field(description='The name, or the position when the place has no name yet')
    latitude: float
    longitude: float
    visits: int = Field(description='Expenses recorded at the place')
    last_visit: str | None = Field(description='Date of the latest expense there (YYYY-MM-DD)')
    total_cents: int
    category_id: int | None = Field(description='The category used most often there')
    category: str
    subcategory_id: int | None
    subcategory: str
    payment_method_id: int | None = Field(description='The payment method used most often there')
    payment_method: str
    distance_m: int | None = Field(description='Metres from the given position (suggestions only)')


Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)] | Annotated[str, Field(max_length=40)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)] | Annotated[str, Field(max_length=40)]


class PlaceRenameBody(BaseModel):
    latitude: Latitude = Field(description='Within 150 m of the place: its position from GET /sysapi/places')
    longitude: Longitude
    name: str = Field(min_length=1, max_length=120, description='The new name, 1 to 120 characters')


@router.get('/places', response_model=list[PlaceOut])
def api_places(
    limit: int = Query(50, ge=1, le=500, description='How many places, 1 to 500'),
    user: User = Depends(api_user),
):
    """The places of the caller's household (own and linked users' expenses), most visited first."""
    return [place.as_dict() for place in places.frequent_places(user, limit)]


@router.get('/places/suggest', response_model=list[PlaceOut])
def api_suggest_places(
    lat: float | None = Query(
        None, ge=-90, le=90, allow_inf_nan=False, description='Latitude of the current position, in degrees'
    ),
    lon: float | None = Query(
        None, ge=-180, le=180, allow_inf_nan=False, description='Longitude of the current position, in degrees'
    ),
    limit: int = Query(5, ge=1, le=50, description='How many suggestions, 1 to 50'),
    user: User = Depends(api_user),
):
    """With lat and lon: the known places within 1 km, nearest first, with their distance. Without: the most
    visited places. Each carries the category and payment method used most there."""
    return [place.as_dict() for place in places.suggest_places(user, lat, lon, limit=limit)]


@router.post(
    '/place_update',
    response_model=PlaceOut,
    openapi_extra=body_docs(PlaceRenameBody),
    responses={404: {'model': ErrorBody, 'description': 'No known place within 150 m of the position'}},
)
def api_place_update(body: PlaceRenameBody = body_of(PlaceRenameBody), user: User = Depends(api_user)):
    """Name (or rename) the place at a position: every expense of the place takes the name."""
    return places.rename_place(user, body.latitude, body.longitude, body.name).as_dict()
