"""/sysapi/login, /sysapi/logout, /sysapi/session."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import Caller, api_caller
from app.api.errors import ERROR_RESPONSES
from app.services import login as login_service
from app.services import sessions
from app.services.users import UserView
from app.web.client_ip import client_ip
from app.web.cookies import clear_session_cookie, session_token, set_session_cookie

router = APIRouter(tags=['authentication'], responses=ERROR_RESPONSES)


class LoginBody(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2000)


class LoginOut(BaseModel):
    """The v2.4 envelope around the account (`users.UserView`)."""

    success: bool
    user: UserView


class SessionOut(BaseModel):
    authenticated: bool
    user: UserView | None = None


class OkOut(BaseModel):
    success: bool


@router.post('/login', response_model=LoginOut, openapi_extra=body_docs(LoginBody))
def api_login(
    request: Request, response: Response, caller: Caller = Depends(api_caller), body: LoginBody = body_of(LoginBody)
):
    """Log in with a username and password; the answer sets the session cookie."""
    user, token = login_service.login(
        body.username,
        body.password,
        ip=client_ip(request),
        user_agent=request.headers.get('user-agent', ''),
        previous_session=session_token(request),
    )
    set_session_cookie(response, request, token)
    return LoginOut(success=True, user=UserView.of(user))


@router.post('/logout', response_model=OkOut)
def api_logout(request: Request, response: Response, caller: Caller = Depends(api_caller)):
    """End the current session, on the server too."""
    login_service.logout(session_token(request), ip=client_ip(request))
    clear_session_cookie(response, request)
    return {'success': True}


@router.get('/session', response_model=SessionOut)
def api_session(request: Request, caller: Caller = Depends(api_caller)):
    """Whether the caller is logged in, and as whom."""
    user = caller.user if caller.via_token else sessions.user_for_token(session_token(request))
    if user is None:
        return SessionOut(authenticated=False, user=None)
    return SessionOut(authenticated=True, user=UserView.of(user))
