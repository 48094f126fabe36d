"""A ticket is one problem at one station, open until district staff confirm it fixed. Each
worker's report joins the ticket of its kind open at the station, or opens one; photos hang off a
report and are shown to nobody else until WeChat's media check passes them; every step is a row
the worker follows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.model_base import Base, utcnow
from app.registry.models import Station

# What can be wrong (the order the mini-program lists them in).
KINDS: tuple[tuple[str, str], ...] = (
    ("locked", "开放时间内锁门或关闭"),
    ("no_water", "没有饮用水"),
    ("toilet", "厕所无法使用"),
    ("no_seats", "没有座椅"),
    ("dirty", "卫生脏乱"),
    ("first_aid", "急救药品缺失或过期"),
    ("other", "其他问题"),
)
# Kinds other workers are warned of on nearby and the station page while a ticket is open.
WARNED_KINDS = ("locked", "no_water")

OPEN = "open"  # reported, or reopened: the keeper has to fix it by the deadline
FIXED = "fixed"  # the keeper says it is fixed: staff confirm or reopen
CONFIRMED = "confirmed"  # staff confirmed the fix: closed
STATUSES: tuple[tuple[str, str], ...] = ((OPEN, "待处理"), (FIXED, "已整改待确认"), (CONFIRMED, "已确认解决"))
ACTIVE = (OPEN, FIXED)  # a new report of the same kind joins a ticket in these

# Steps, as the worker reads them.
STEPS: tuple[tuple[str, str], ...] = (
    ("reported", "已提交问题"),
    ("joined", "又有人反映了同一问题"),
    ("answered", "站点管理员已回复"),
    ("fixed", "站点管理员已整改"),
    ("confirmed", "工会已确认解决"),
    ("reopened", "工会要求重新整改"),
    ("not_fixed", "反映人表示仍未解决"),
    ("called_back", "工会已电话回访"),
)

TEXT_NONE, TEXT_PASSED, TEXT_REVIEW = "none", "passed", "review"
PHOTO_PENDING, PHOTO_PASSED, PHOTO_HIDDEN = "pending", "passed", "hidden"


class ProblemTicket(Base):
    __tablename__ = "problem_tickets"
    __table_args__ = (
        sa.CheckConstraint("status IN ('open', 'fixed', 'confirmed')", name="status"),
        # One active ticket per station and kind: a second report joins it (the merge).
        sa.Index("uq_problem_tickets_active", "station_id", "kind", unique=True, postgresql_where=sa.text("status <> 'confirmed'")),
        sa.Index("ix_problem_tickets_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(sa.ForeignKey("stations.id"), index=True)
    district_code: Mapped[str] = mapped_column(sa.String(8), index=True)  # the station's, for staff scope
    kind: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]  # the first deadline: "fixed by the deadline" is measured against it
    deadline_at: Mapped[datetime]  # the current one (a reopened ticket gets a new one)
    fixed_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    reopen_count: Mapped[int] = mapped_column(default=0)
    reporters: Mapped[int] = mapped_column(default=1)
    called_back_at: Mapped[datetime | None]

    station: Mapped[Station] = relationship()
    reports: Mapped[list[ProblemReport]] = relationship(back_populates="ticket", order_by="ProblemReport.id")
    steps: Mapped[list[TicketStep]] = relationship(back_populates="ticket", order_by="TicketStep.id")


class ProblemReport(Base):
    """One worker's report. Erasing the worker unlinks it and drops its text and photos; the
    ticket still counts."""

    __tablename__ = "problem_reports"
    __table_args__ = (sa.Index("ix_problem_reports_worker_ticket", "worker_id", "ticket_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("problem_tickets.id"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))
    text: Mapped[str | None] = mapped_column(sa.String(200))
    text_status: Mapped[str] = mapped_column(sa.String(8), default=TEXT_NONE)
    notify: Mapped[bool] = mapped_column(default=False)  # holds a "ticket_update" subscribe consent
    opened: Mapped[bool] = mapped_column(default=False)  # this report opened the ticket (others joined it)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[ProblemTicket] = relationship(back_populates="reports")
    photos: Mapped[list[ProblemPhoto]] = relationship(back_populates="report", order_by="ProblemPhoto.id")


class ProblemPhoto(Base):
    __tablename__ = "problem_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("problem_reports.id"), index=True)
    file_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(32))
    size: Mapped[int]
    check_status: Mapped[str] = mapped_column(sa.String(8), default=PHOTO_PENDING)
    trace_id: Mapped[str | None] = mapped_column(sa.String(64), unique=True)  # WeChat's, to match the verdict
    label: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_at: Mapped[datetime | None]

    report: Mapped[ProblemReport] = relationship(back_populates="photos")


class TicketStep(Base):
    """What happened to a ticket, in order: the reporters read these."""

    __tablename__ = "ticket_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("problem_tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str | None] = mapped_column(sa.String(200))  # the keeper's answer, staff's reason
    by: Mapped[str] = mapped_column(sa.String(16))  # worker / keeper / staff (never a name)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workers.id"))  # a worker's own step
    at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[ProblemTicket] = relationship(back_populates="steps")
