"""Bearer tokens and roles: planner (every unit), unit manager (own units), employee (own data).

Tokens are random 32-byte strings shown once at creation; only their SHA-256 hash is stored, so a
copy of the database does not give access.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.db import StoredInstance, Token

ROLES = ("planner", "manager", "employee")
_bearer = HTTPBearer(auto_error=False, description="Bearer token (roster token create)")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token(db: Session, name: str, role: str, *, units: list[str] | None = None,
              employee: str | None = None) -> str:
    """Create a token; returns the plain token (shown once, never stored)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "manager" and not units:
        raise ValueError("a unit manager's token needs the units they manage")
    if role == "employee" and not employee:
        raise ValueError("an employee's token needs the employee id")
    plain = "rt_" + secrets.token_urlsafe(32)
    db.add(Token(name=name, role=role, units=list(units or []), employee=employee,
                 token_hash=hash_token(plain)))
    db.commit()
    return plain


@dataclass
class User:
    name: str
    role: str
    units: list[str]
    employee: str | None

    def can_see_instance(self, inst: StoredInstance) -> bool:
        if self.role == "planner":
            return True
        if self.role == "manager":
            return set(inst.units) <= set(self.units)
        return False


def get_db(request: Request):
    db = request.app.state.sessions()
    try:
        yield db
    finally:
        db.close()


def current_user(creds: HTTPAuthorizationCredentials | None = Depends(_bearer),
                 db: Session = Depends(get_db)) -> User:
    if creds is None or creds.scheme.lower() != "bearer":
        raise HTTPException(401, "Kirjaudu sisään: missing bearer token",
                            headers={"WWW-Authenticate": "Bearer"})
    tok = db.scalar(select(Token).where(Token.token_hash == hash_token(creds.credentials)))
    if tok is None or tok.revoked:
        raise HTTPException(401, "Tunniste ei kelpaa: unknown or revoked token",
                            headers={"WWW-Authenticate": "Bearer"})
    return User(name=tok.name, role=tok.role, units=list(tok.units or []),
                employee=tok.employee)


def user_from_query(request: Request, db: Session = Depends(get_db),
                    creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> User:
    """For the event stream only: a browser's EventSource cannot send headers, so the token may
    come as `?access_token=`."""
    token = request.query_params.get("access_token")
    if creds is None and token:
        creds = HTTPAuthorizationCredentials(scheme="Bearer", credentials=token)
    user = current_user(creds, db)
    if user.role not in ("planner", "manager"):
        raise HTTPException(403, "Ei oikeutta: this needs the role planner or manager")
    return user


def require(*roles: str):
    """Dependency: the user must have one of these roles (403 otherwise)."""
    def dep(user: User = Depends(current_user)) -> User:
        if user.role not in roles:
            raise HTTPException(403, f"Ei oikeutta: this needs the role {' or '.join(roles)}, "
                                     f"you are {user.role}")
        return user
    return dep


planner = require("planner")
staff = require("planner", "manager")
anyone = require(*ROLES)
