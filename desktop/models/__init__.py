"""Headless core: peewee models, database set-up, migrations and services. Never imports Qt."""
