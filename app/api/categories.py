"""/sysapi routes for categories: nested and flat lists, create, update, delete (or move, then delete)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from app.api.bodies import body_docs, body_of
from app.api.deps import api_user
from app.api.errors import ErrorBody
from app.api.fields import Id, OptionalId, Text
from app.api.named_items import ItemDeletedOut, ItemUpdate, changes, item_responses
from app.models import User
from app.services import categories
from app.services.categories import CategoryNode, CategoryView

router = APIRouter(
    responses=item_responses('category', 'Name taken at this level, or category in use / with subcategories')
)


class CategoryOkOut(BaseModel):
    """The reference's envelope around a saved category (`success` is always true: errors are 4xx)."""

    success: bool
    category: CategoryView


class CategoryCreate(BaseModel):
    name: str = Field(max_length=500, examples=['Groceries'])
    parent_id: OptionalId = Field(None, description='A top-level category; empty for a top-level one')
    color: Text = Field(None, description="#RRGGBB; the parent's colour by default", examples=['#f59e0b'])
    icon: Text = Field(
        None,
        description="One of the Material icon names the icon picker offers; the parent's icon by default",
        examples=['restaurant'],
    )


class CategoryUpdate(ItemUpdate):
    parent_id: OptionalId = Field(None, description='A new parent; empty to make it top-level')
    color: Text = None


class CategoryDelete(BaseModel):
    id: Id
    move_to_id: OptionalId = Field(
        None, description='Move the expenses of the category here first (a category or a subcategory)'
    )
    with_subcategories: bool = Field(False, description='Delete its subcategories with it (none may be in use)')


@router.get('/categories', response_model=list[CategoryNode])
def list_nested(user: User = Depends(api_user)):
    """Top-level categories you may see, each with its subcategories in `children`."""
    return categories.category_tree(user)


@router.get('/categories_flat', response_model=list[CategoryView])
def list_flat(user: User = Depends(api_user)):
    """Every category and subcategory you may see, in one list (subcategories have a parent_id)."""
    return categories.list_categories(user)


@router.post('/category_create', response_model=CategoryOkOut, openapi_extra=body_docs(CategoryCreate))
def create(user: User = Depends(api_user), body: CategoryCreate = body_of(CategoryCreate)):
    """Create a category, or a subcategory with `parent_id`."""
    category = categories.create_category(user, body.name, body.parent_id, body.color, body.icon)
    return CategoryOkOut(success=True, category=category)


@router.post('/category_update', response_model=CategoryOkOut, openapi_extra=body_docs(CategoryUpdate))
def update(user: User = Depends(api_user), body: CategoryUpdate = body_of(CategoryUpdate)):
    """Rename, recolour or re-parent: `id` plus the fields to change."""
    category = categories.update_category(user, body.id, **changes(body))
    return CategoryOkOut(success=True, category=category)


@router.post(
    '/category_delete',
    response_model=ItemDeletedOut,
    openapi_extra=body_docs(CategoryDelete),
    responses={409: {'model': ErrorBody, 'description': 'In use: the message says by how many expenses'}},
)
def delete(user: User = Depends(api_user), body: CategoryDelete = body_of(CategoryDelete)):
    """Delete a category that no expense uses and that has no subcategories (or, with `with_subcategories`,
    together with them). With `move_to_id`, its expenses move there first."""
    deleted = categories.delete_category(
        user, body.id, move_to=body.move_to_id, with_subcategories=body.with_subcategories
    )
    return ItemDeletedOut(success=True, id=body.id, moved=deleted.moved)
