"""The data: every model is imported here so Alembic and the app see the whole schema."""

from app.accounts.audit_models import AuditEntry
from app.accounts.staff_models import StaffAccount
from app.accounts.subscribe_message_models import SubscribeMessage
from app.accounts.worker_models import Worker
from app.activities.models import Activity, ActivityStation, Campaign, GiftClaim, PlanTarget, RecordedCount
from app.keepers.models import KeeperCode, StationKeeper, StationStatus, StatusUpdate
from app.privacy.models import Consent, Notice, RetentionRun
from app.problems.models import ProblemPhoto, ProblemReport, ProblemTicket, TicketStep
from app.ratings.models import Rating
from app.reference.models import (
    BuildMode,
    CareActivityKind,
    CityPlan,
    DemonstrationTarget,
    District,
    HostType,
    SixHasItem,
    WorkerGroup,
)
from app.registry.models import Inspection, Station
from app.reports.models import Investment, QuarterlySubmission
from app.spot_checks.models import SpotCheck
from app.supplies.models import Supply
from app.visits.models import CheckIn, IdempotencyRecord
from app.visits.rollup_models import (
    VisitDayDistrict,
    VisitDayService,
    VisitDayStation,
    VisitDayWorkers,
    VisitMonthDistrict,
    VisitMonthWorkers,
)

__all__ = [
    "Activity",
    "ActivityStation",
    "AuditEntry",
    "BuildMode",
    "Campaign",
    "CareActivityKind",
    "CheckIn",
    "CityPlan",
    "Consent",
    "DemonstrationTarget",
    "District",
    "GiftClaim",
    "HostType",
    "IdempotencyRecord",
    "Inspection",
    "Investment",
    "KeeperCode",
    "Notice",
    "PlanTarget",
    "ProblemPhoto",
    "ProblemReport",
    "ProblemTicket",
    "QuarterlySubmission",
    "Rating",
    "RecordedCount",
    "RetentionRun",
    "SixHasItem",
    "SpotCheck",
    "StaffAccount",
    "Station",
    "StationKeeper",
    "StationStatus",
    "StatusUpdate",
    "SubscribeMessage",
    "Supply",
    "TicketStep",
    "VisitDayDistrict",
    "VisitDayService",
    "VisitDayStation",
    "VisitDayWorkers",
    "VisitMonthDistrict",
    "VisitMonthWorkers",
    "Worker",
    "WorkerGroup",
]
