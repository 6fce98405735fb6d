"""The /sysapi JSON API. Routers are included in main.py (so they survive NiceGUI's test resets)."""

from fastapi import APIRouter

from app.api import (
    auth,
    balances,
    budgets,
    categories,
    expenses,
    exports,
    imports,
    payment_methods,
    places,
    rates,
    receipts,
    recurring,
    stats,
    tokens,
    update,
    users,
)

sysapi = APIRouter(prefix='/sysapi')
sysapi.include_router(auth.router)
sysapi.include_router(expenses.router, tags=['expenses'])
sysapi.include_router(categories.router, tags=['categories'])
sysapi.include_router(payment_methods.router, tags=['payment methods'])
sysapi.include_router(exports.router, tags=['exports'])
sysapi.include_router(imports.router, tags=['imports'])
sysapi.include_router(stats.router, tags=['statistics'])
sysapi.include_router(users.router, tags=['users'])
sysapi.include_router(places.router, tags=['places'])
sysapi.include_router(receipts.router, tags=['receipts'])
sysapi.include_router(tokens.router, tags=['tokens'])
sysapi.include_router(update.router, tags=['update'])
sysapi.include_router(recurring.router, tags=['recurring'])
sysapi.include_router(budgets.router, tags=['budgets'])
sysapi.include_router(balances.router, tags=['households'])
sysapi.include_router(rates.router, tags=['households'])
