"""Storage: SQLAlchemy models, the engine factory, migrations, the unit of work."""
