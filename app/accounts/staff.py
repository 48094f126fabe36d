"""Staff accounts: creation, password sign-in and bearer tokens."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import audit, tokens
from app.accounts.actor import Actor
from app.accounts.staff_models import ROLE_CITY, ROLE_DISTRICT, ROLES, StaffAccount
from app.accounts.tokens import IssuedToken
from app.core import error_codes
from app.core.errors import AuthenticationFailed, Conflict, InvalidInput
from app.extensions import db
from app.reference.models import District

MIN_PASSWORD_LENGTH = 10
# Compared against when the username is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _snapshot(staff: StaffAccount) -> dict:
    return {
        "username": staff.username,
        "display_name": staff.display_name,
        "role": staff.role,
        "district_code": staff.district_code,
        "phone": staff.phone,
        "active": staff.active,
    }


def create_staff(
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    display_name: str,
    district: str | None = None,
    phone: str | None = None,
) -> StaffAccount:
    errors: dict[str, list[str]] = {}
    username = username.strip().lower()
    if role not in ROLES:
        errors["role"] = ["角色只能是 city（市总工会）或 district（县市区总工会）"]
    district_code = None
    if role == ROLE_DISTRICT:
        found = _find_district(district) if district else None
        if found is None:
            errors["district"] = ["区县工会账号必须指定一个有效的区县"]
        else:
            district_code = found.code
    elif role == ROLE_CITY and district:
        errors["district"] = ["市总工会账号不属于某个区县"]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"密码至少 {MIN_PASSWORD_LENGTH} 位"]
    if not username:
        errors["username"] = ["用户名不能为空"]
    if errors:
        raise InvalidInput(details=errors)
    if db.session.scalar(sa.select(StaffAccount.id).where(StaffAccount.username == username)):
        raise Conflict("该用户名已存在", code=error_codes.USERNAME_TAKEN)
    staff = StaffAccount(
        username=username,
        password_hash=generate_password_hash(password),
        role=role,
        district_code=district_code,
        display_name=display_name,
        phone=phone,
    )
    db.session.add(staff)
    db.session.flush()
    audit.record(actor, "staff.create", "staff", username, district_code=district_code, after=_snapshot(staff))
    db.session.commit()
    return staff


def _find_district(name_or_code: str) -> District | None:
    return db.session.scalar(sa.select(District).where(sa.or_(District.code == name_or_code.upper(), District.name == name_or_code)))


def authenticate(username: str, password: str) -> StaffAccount:
    staff = db.session.scalar(sa.select(StaffAccount).where(StaffAccount.username == username.strip().lower()))
    if staff is None:
        check_password_hash(_DUMMY_HASH, password)
        raise AuthenticationFailed()
    if not check_password_hash(staff.password_hash, password) or not staff.active:
        raise AuthenticationFailed()
    return staff


def issue_token(staff: StaffAccount) -> IssuedToken:
    payload = {"sid": staff.id, "v": staff.token_version}
    return tokens.issue(tokens.STAFF, payload, current_app.config["STAFF_TOKEN_TTL"])


def staff_for_token(token: str) -> StaffAccount | None:
    """The active account a token was issued to, or None if it is forged, expired or revoked."""
    payload = tokens.read(tokens.STAFF, token, current_app.config["STAFF_TOKEN_TTL"])
    if payload is None:
        return None
    staff = db.session.get(StaffAccount, payload.get("sid"))
    if staff is None or not staff.active or staff.token_version != payload.get("v"):
        return None
    return staff


def sign_out(staff: StaffAccount) -> None:
    """Revoke every token the account holds."""
    staff.token_version += 1
    db.session.commit()
