"""The starting categories and payment methods the setup wizard offers; every one can be edited later."""

DEFAULT_CATEGORIES: list[dict] = [
    {'name': 'Food', 'color': '#f59e0b', 'icon': 'restaurant', 'children': ['Groceries', 'Restaurants', 'Bakery']},
    {
        'name': 'Transport',
        'color': '#3b82f6',
        'icon': 'directions_car',
        'children': ['Fuel', 'Public transport', 'Parking'],
    },
    {'name': 'Housing', 'color': '#8b5cf6', 'icon': 'home', 'children': ['Rent', 'Utilities', 'Insurance']},
    {'name': 'Health', 'color': '#ef4444', 'icon': 'favorite', 'children': ['Pharmacy', 'Doctor']},
    {
        'name': 'Leisure',
        'color': '#10b981',
        'icon': 'sports_esports',
        'children': ['Outings', 'Subscriptions', 'Travel'],
    },
    {'name': 'Shopping', 'color': '#ec4899', 'icon': 'shopping_bag', 'children': ['Clothes', 'Electronics', 'Home']},
]

DEFAULT_PAYMENT_METHODS: list[dict] = [
    {'name': 'Cash', 'icon': 'payments'},
    {'name': 'Card', 'icon': 'credit_card'},
    {'name': 'Transfer', 'icon': 'account_balance'},
]
