"""The FastAPI application: routes, error handling in the user's terms, the job runner."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select

from api.db import Token, migrate, sessions
from api.settings import Settings

DESCRIPTION = """Työvuorosuunnittelu — roster optimizer for Finnish wellbeing services counties.

Sign in with a bearer token (`roster token create`, or the planner token printed by
`roster serve` on its first start). Planners see every unit, unit managers (esihenkilö) their own
units, employees their own wishes (toiveet) and published roster.
"""


def _field(loc: tuple | list) -> str:
    parts = [str(x) for x in loc if x not in ("body", "query", "path", "header")]
    out = ""
    for p in parts:
        out += f"[{p}]" if p.isdigit() else (f".{p}" if out else p)
    return out or "request"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        migrate(settings.database_url)
        runner = None
        if settings.start_runner:
            from api.jobs import JobRunner

            runner = JobRunner(settings.database_url, settings.max_jobs)
            runner.start()
        app.state.runner = runner
        yield
        if runner:
            runner.shutdown()

    app = FastAPI(title="Roster optimizer", version="0.1.0", description=DESCRIPTION,
                  lifespan=lifespan)
    app.state.settings = settings
    app.state.sessions = sessions(settings.database_url)

    @app.middleware("http")
    async def limit_size(request: Request, call_next):
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > settings.max_upload_bytes):
            return JSONResponse({"detail": f"Request body over "
                                 f"{settings.max_upload_bytes // (1024 * 1024)} MB"},
                                status_code=413)
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        from instances.validation import format_validation_error

        errors = exc.errors()
        body = getattr(exc, "body", None)
        messages: list[str] = []
        if isinstance(body, dict) and request.url.path == "/api/instances":
            try:
                from pydantic import ValidationError

                from instances.models import Instance

                Instance.model_validate(body)
            except ValidationError as err:
                messages = format_validation_error(err, body)
        if not messages:
            messages = [f"{_field(e.get('loc', ()))}: {e.get('msg', 'invalid')}" for e in errors]
        return JSONResponse({"detail": messages}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    from api import web
    from api.routes import instances, jobs, me, rosters

    for module in (instances, jobs, rosters, me):
        app.include_router(module.router)
    web.mount(app)

    @app.get("/api/health", tags=["service"], summary="Liveness and job counts (no sign-in)")
    def health() -> dict[str, Any]:
        runner = getattr(app.state, "runner", None)
        return {"ok": True, "running_jobs": len(runner.procs) if runner else 0}

    return app


def bootstrap_token(settings: Settings) -> str | None:
    """A planner token on the first start (no tokens yet): printed once by `roster serve`."""
    from api.auth import new_token

    migrate(settings.database_url)
    with sessions(settings.database_url)() as db:
        if db.scalar(select(Token.id).limit(1)) is not None:
            return None
        return new_token(db, "Resurssisuunnittelija (first start)", "planner")
