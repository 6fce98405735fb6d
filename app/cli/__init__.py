"""The Fire command groups behind manage.py. Each verb calls the same services as the pages."""
