"""/sysapi/users...: who exists, links between users, invitations, and account administration.

GET /users lists every account for an administrator, and the caller with its linked users for anyone
else. POST /users/link by an administrator links two users at once; a non-administrator may only name
itself, and its request becomes an invitation the other accepts with POST /users/invitations/accept.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_admin, api_user
from app.api.errors import ERROR_RESPONSES, ErrorBody, request_language
from app.i18n import Message, render
from app.models import User
from app.services import links, users

router = APIRouter(
    responses={
        **ERROR_RESPONSES,
        403: {'model': ErrorBody, 'description': 'Only an administrator, or only for your own account'},
        404: {'model': ErrorBody, 'description': 'No such user, link or invitation'},
        409: {'model': ErrorBody, 'description': 'The change conflicts with the current state'},
    }
)

NAME = Field(max_length=200, description='a username (case does not matter)')


# The answers below are envelopes, not copies of service shapes: the lists are wrapped in an object and the
# changes answer with `success` and a sentence, as the v2.4 API did. What they carry is the service's type.


class UsersOut(BaseModel):
    users: list[links.KnownUser]


class LinkedOut(BaseModel):
    linked: list[links.LinkView]


class InvitationsOut(BaseModel):
    incoming: list[links.LinkView]
    outgoing: list[links.LinkView]


class PairBody(BaseModel):
    user1: str = NAME
    user2: str = NAME


class UsernameBody(BaseModel):
    username: str = NAME


class LinkOut(BaseModel):
    success: bool
    status: str = Field(description='active: linked now; pending: an invitation waits for the other user')
    message: str


class UnlinkOut(BaseModel):
    success: bool
    message: str
    categories_copied: int
    payment_methods_copied: int
    expenses_repointed: int


class OkOut(BaseModel):
    success: bool
    message: str


class CreateUserBody(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=2000)
    is_admin: bool = False
    presets: bool = Field(True, description='give a new empty account the starting categories and payment methods')
    language: str | None = Field(
        None, max_length=10, description="the account's language ('en', 'fr'; '' = its browser's); default: automatic"
    )
    locale: str | None = Field(None, max_length=10, description="number and date format, e.g. 'fr-FR'; default: yours")


class CreatedOut(BaseModel):
    success: bool
    id: int
    username: str
    is_admin: bool
    restored: bool = Field(description='true when a deleted account of that name came back with its data')


class DeleteUserBody(BaseModel):
    username: str = NAME
    delete_data: bool = False


class DeleteOut(BaseModel):
    success: bool
    message: str
    expenses: int
    categories: int
    payment_methods: int
    data_deleted: bool


class PasswordBody(BaseModel):
    username: str = NAME
    password: str = Field(max_length=2000)
    keep_tokens: bool = Field(False, description="Keep the user's personal API tokens (revoked by default)")


class AdminBody(BaseModel):
    username: str = NAME
    is_admin: bool


@router.get('/users', response_model=UsersOut)
def list_users(me: User = Depends(api_user)):
    """Accounts the caller may know about: all of them for an administrator, else itself and its linked users."""
    return UsersOut(users=links.known_users(me))


@router.get('/users/linked', response_model=LinkedOut)
def linked_users(me: User = Depends(api_user)):
    """The users the caller shares data with."""
    return LinkedOut(linked=links.linked_users(me))


@router.post('/users/link', response_model=LinkOut, openapi_extra=body_docs(PairBody))
def link(request: Request, me: User = Depends(api_user), body: PairBody = body_of(PairBody)):
    """Link user1 and user2. An administrator links them at once; anyone else must be one of the two,
    and the request becomes an invitation that the other user accepts."""
    result = links.link_users(me, body.user1, body.user2)
    return {'success': True, 'status': result.status, 'message': render(result.message(), request_language(request))}


@router.post('/users/unlink', response_model=UnlinkOut, openapi_extra=body_docs(PairBody))
def unlink(request: Request, me: User = Depends(api_user), body: PairBody = body_of(PairBody)):
    """Unlink user1 and user2 (a non-administrator only itself). Expenses that used the other user's
    categories or payment methods get copies in their owner's account: nothing is lost."""
    report = links.unlink_users(me, body.user1, body.user2)
    return {
        'success': True,
        'message': render(report.message(), request_language(request)),
        'categories_copied': report.categories_copied,
        'payment_methods_copied': report.payment_methods_copied,
        'expenses_repointed': report.expenses_repointed,
    }


@router.get('/users/invitations', response_model=InvitationsOut)
def invitations(me: User = Depends(api_user)):
    """Pending invitations: those waiting for the caller's answer, and those it sent."""
    state = links.sharing(me)
    return InvitationsOut(incoming=list(state.incoming), outgoing=list(state.outgoing))


@router.post('/users/invitations/accept', response_model=LinkOut, openapi_extra=body_docs(UsernameBody))
def accept(request: Request, me: User = Depends(api_user), body: UsernameBody = body_of(UsernameBody)):
    """Accept the invitation sent by `username`."""
    view = links.accept(me, body.username)
    message = Message('You now share your data with {username}.', username=view.username)
    return {'success': True, 'status': view.status, 'message': message.render(request_language(request))}


@router.post('/users/invitations/decline', response_model=OkOut, openapi_extra=body_docs(UsernameBody))
def decline(request: Request, me: User = Depends(api_user), body: UsernameBody = body_of(UsernameBody)):
    """Refuse the invitation sent by `username`."""
    links.decline(me, body.username)
    return {'success': True, 'message': Message('Invitation declined.').render(request_language(request))}


@router.post('/users/invitations/cancel', response_model=OkOut, openapi_extra=body_docs(UsernameBody))
def cancel(request: Request, me: User = Depends(api_user), body: UsernameBody = body_of(UsernameBody)):
    """Withdraw the invitation the caller sent to `username`."""
    links.cancel(me, body.username)
    return {'success': True, 'message': Message('Invitation withdrawn.').render(request_language(request))}


@router.post('/users/create', response_model=CreatedOut, openapi_extra=body_docs(CreateUserBody))
def create(request: Request, admin: User = Depends(api_admin), body: CreateUserBody = body_of(CreateUserBody)):
    """Administrator: create an account (a deleted username comes back with its data). A new account takes
    the currency, locale and time zone of the administrator who creates it; its starting categories and
    payment methods are named in the request's language (the caller's setting, else Accept-Language)."""
    account = users.create_account(
        body.username,
        body.password,
        is_admin=body.is_admin,
        presets=body.presets,
        creator=admin,
        language=request_language(request),
        account_language=body.language,
        locale=body.locale,
    )
    user = account.user
    return {
        'success': True,
        'id': user.id,
        'username': user.username,
        'is_admin': user.is_admin,
        'restored': account.was_restored,
    }


@router.post('/users/delete', response_model=DeleteOut, openapi_extra=body_docs(DeleteUserBody))
def delete(request: Request, admin: User = Depends(api_admin), body: DeleteUserBody = body_of(DeleteUserBody)):
    """Administrator: delete an account, keeping its data unless delete_data is true."""
    report = users.delete_user(users.get_user_by_username(body.username), delete_data=body.delete_data, actor=admin)
    return {
        'success': True,
        'message': render(report.message(), request_language(request)),
        'expenses': report.expenses,
        'categories': report.categories,
        'payment_methods': report.payment_methods,
        'data_deleted': report.data_deleted,
    }


@router.post('/users/password', response_model=OkOut, openapi_extra=body_docs(PasswordBody))
def password(request: Request, admin: User = Depends(api_admin), body: PasswordBody = body_of(PasswordBody)):
    """Administrator: set a user's password; that user's sessions end and, unless keep_tokens is true, their
    personal API tokens are revoked."""
    user = users.get_user_by_username(body.username)
    report = users.reset_password(user, body.password, revoke_tokens=not body.keep_tokens)
    return {'success': True, 'message': render(report.message(), request_language(request))}


@router.post('/users/admin', response_model=OkOut, openapi_extra=body_docs(AdminBody))
def set_admin(request: Request, admin: User = Depends(api_admin), body: AdminBody = body_of(AdminBody)):
    """Administrator: make a user administrator or not (never the last administrator)."""
    user = users.set_admin(users.get_user_by_username(body.username), body.is_admin, actor=admin)
    if user.is_admin:
        message = Message('{username} is now an administrator.', username=user.username)
    else:
        message = Message('{username} is now not an administrator.', username=user.username)
    return {'success': True, 'message': message.render(request_language(request))}
