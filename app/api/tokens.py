"""/sysapi/tokens: the caller's personal API tokens (list, create, revoke)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import Caller, api_caller, api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody
from app.models import User
from app.services import tokens
from app.web.client_ip import client_ip
from app.web.cookies import session_token

router = APIRouter(responses=ERROR_RESPONSES)

TokenId = Annotated[int, Path(ge=1, le=tokens.MAX_ID, description='The id shown by GET /sysapi/tokens')]


class TokenList(BaseModel):
    tokens: list[tokens.TokenView]


class NewTokenBody(BaseModel):
    name: str = Field(min_length=1, max_length=80, description='What the token is for, e.g. "phone shortcut"')


class RevokedOut(BaseModel):
    success: bool
    revoked: tokens.TokenView


@router.get('/tokens', response_model=TokenList)
def list_my_tokens(user: User = Depends(api_user)):
    """Your personal API tokens (never the tokens themselves)."""
    return TokenList(tokens=list(tokens.list_tokens(user)))


@router.post(
    '/tokens',
    response_model=tokens.NewToken,
    openapi_extra=body_docs(NewTokenBody),
    responses={409: {'model': ErrorBody, 'description': 'Too many tokens already'}},
)
def create_my_token(
    request: Request,
    user: User = Depends(api_user),
    caller: Caller = Depends(api_caller),
    body: NewTokenBody = body_of(NewTokenBody),
):
    """Create a personal API token; the answer holds the token, which is never shown again."""
    session = None if caller.via_token else (session_token(request) or '')  # a cookie caller: still live?
    row, token = tokens.create_token(user, body.name, ip=client_ip(request), session=session)
    return tokens.NewToken.made(row, token)


@router.delete(
    '/tokens/{token_id}',
    response_model=RevokedOut,
    responses={404: {'model': ErrorBody, 'description': 'No such token among yours'}},
)
def revoke_my_token(request: Request, token_id: TokenId, user: User = Depends(api_user)):
    """Revoke one of your tokens; it stops working at once."""
    view = tokens.revoke_token(token_id, user, ip=client_ip(request))
    return RevokedOut(success=True, revoked=view)
