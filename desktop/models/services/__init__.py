"""Service functions: the only way views, importers and the CLI read or change study data."""
