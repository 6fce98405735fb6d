"""Peewee models, one file per aggregate."""

from app.models.audit import AuditEvent
from app.models.base import BaseModel, utcnow
from app.models.budget import Alert, AlertPreference, Budget, NotificationUrl
from app.models.category import Category
from app.models.currency import ExchangeRate, MissingRate
from app.models.expense import Expense
from app.models.household import ExpenseShare, ExpenseSplit, HouseholdPreference, Settlement
from app.models.imports import ImportBatch, ImportedExpense
from app.models.installation import InstallationSetting
from app.models.legacy import LegacyRecord
from app.models.link import UserLink
from app.models.payment_method import PaymentMethod
from app.models.receipt import Receipt
from app.models.recurring import RecurringOccurrence, RecurringRule
from app.models.session import Session
from app.models.tag import ExpenseTag, Tag
from app.models.token import ApiToken
from app.models.two_factor import RecoveryCode
from app.models.user import User

ALL_MODELS: list[type[BaseModel]] = [
    User,
    Category,
    PaymentMethod,
    Expense,
    Session,
    UserLink,
    ApiToken,
    AuditEvent,
    LegacyRecord,
    RecoveryCode,
    InstallationSetting,
    ImportBatch,
    ImportedExpense,
    RecurringRule,
    RecurringOccurrence,
    Budget,
    Alert,
    NotificationUrl,
    AlertPreference,
    Receipt,
    Tag,
    ExpenseTag,
    ExpenseSplit,
    ExpenseShare,
    Settlement,
    HouseholdPreference,
    ExchangeRate,
    MissingRate,
]

__all__ = [
    'ALL_MODELS',
    'Alert',
    'AlertPreference',
    'Budget',
    'NotificationUrl',
    'ApiToken',
    'AuditEvent',
    'BaseModel',
    'Category',
    'Expense',
    'ExpenseTag',
    'ExpenseShare',
    'ExpenseSplit',
    'HouseholdPreference',
    'ImportBatch',
    'ImportedExpense',
    'InstallationSetting',
    'LegacyRecord',
    'PaymentMethod',
    'Receipt',
    'RecoveryCode',
    'RecurringOccurrence',
    'RecurringRule',
    'Session',
    'Tag',
    'Settlement',
    'User',
    'UserLink',
    'utcnow',
]
