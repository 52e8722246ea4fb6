"""Property-based API testing from the OpenAPI schema (schemathesis): whatever a client sends,
the service answers with a 2xx or a clear 4xx — never a server error."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings

from api.app import bootstrap_token, create_app
from api.db import StoredInstance, sessions
from api.settings import Settings
from instances.generator import PRESETS

# made at import (the schema is read from the app then); gone when the test process ends, so
# repeated runs do not pile databases up in /tmp
_DIR = Path(tempfile.mkdtemp(prefix="roster-schemathesis-"))
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
SETTINGS = Settings(database_url=f"sqlite:///{_DIR / 'st.db'}", start_runner=False)
TOKEN = bootstrap_token(SETTINGS)
APP = create_app(SETTINGS)
with sessions(SETTINGS.database_url)() as _db:  # something to find at id 1
    _inst = PRESETS["small"](1)
    _db.add(StoredInstance(name=_inst.name, data=_inst.model_dump(mode="json"),
                           units=[u.id for u in _inst.units], employees=len(_inst.employees),
                           start=_inst.start.isoformat(), weeks=_inst.weeks, created_by="test"))
    _db.commit()

schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_signed_in(case) -> None:
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_without_a_valid_token(case) -> None:
    response = case.call(headers={"Authorization": "Bearer rt_not-a-token"})
    assert response.status_code < 500, (case.method, case.path, response.text[:500])
    if case.path != "/api/health":
        assert response.status_code in (400, 401, 404, 405, 413, 422), (case.path, response.text)
