"""The SQLAlchemy models; importing this package registers every table on the metadata."""

from inspection.models.audit import AuditEvent
from inspection.models.finding import Finding, FindingPhoto, FindingResponse, finding_inspections
from inspection.models.inspection import Inspection
from inspection.models.location import Location
from inspection.models.location_type import LocationType
from inspection.models.login import FailedLogin
from inspection.models.norm_set import NormSet
from inspection.models.photo import Photo
from inspection.models.picture import (
    FeaturePart,
    FeaturePartChange,
    LocationNorm,
    LocationPicture,
    LocationPictureDay,
)
from inspection.models.region import REGION_LEVELS, Region
from inspection.models.report import Report, ReportReaction
from inspection.models.user import ApiToken, User, user_locations

__all__ = [
    "REGION_LEVELS",
    "ApiToken",
    "AuditEvent",
    "FailedLogin",
    "FeaturePart",
    "FeaturePartChange",
    "Finding",
    "FindingPhoto",
    "FindingResponse",
    "Inspection",
    "Location",
    "LocationType",
    "LocationNorm",
    "LocationPicture",
    "LocationPictureDay",
    "NormSet",
    "Photo",
    "Region",
    "Report",
    "ReportReaction",
    "User",
    "finding_inspections",
    "user_locations",
]
