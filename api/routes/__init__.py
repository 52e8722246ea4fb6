"""Thin FastAPI routes over the scheduler, grouped by what the user works on."""
