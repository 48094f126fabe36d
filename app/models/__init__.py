"""The data: every model is imported here so Alembic and the app see the whole schema."""

from app.models.audit import AuditEntry
from app.models.investment import Investment, QuarterlySubmission
from app.models.keeper import KeeperCode, StationKeeper, StationStatus, StatusUpdate
from app.models.reference import (
    BuildMode,
    CareActivityKind,
    CityPlan,
    DemonstrationTarget,
    District,
    HostType,
    SixHasItem,
    WorkerGroup,
)
from app.models.rollup import VisitDayDistrict, VisitDayService, VisitDayStation, VisitDayWorkers, VisitMonthDistrict, VisitMonthWorkers
from app.models.staff import StaffAccount
from app.models.station import Inspection, Station
from app.models.visit import CheckIn, IdempotencyRecord, Rating
from app.models.worker import Worker

__all__ = [
    "AuditEntry",
    "BuildMode",
    "CareActivityKind",
    "CheckIn",
    "CityPlan",
    "DemonstrationTarget",
    "District",
    "HostType",
    "IdempotencyRecord",
    "Inspection",
    "Investment",
    "KeeperCode",
    "QuarterlySubmission",
    "Rating",
    "SixHasItem",
    "StaffAccount",
    "Station",
    "StationKeeper",
    "StationStatus",
    "StatusUpdate",
    "VisitDayDistrict",
    "VisitDayService",
    "VisitDayStation",
    "VisitDayWorkers",
    "VisitMonthDistrict",
    "VisitMonthWorkers",
    "Worker",
    "WorkerGroup",
]
