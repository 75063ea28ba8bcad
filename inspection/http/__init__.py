"""The HTTP layer: blueprints and the error handler."""
