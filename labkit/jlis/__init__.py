"""J-LIS (地方公共団体情報システム機構) lab stand-in: the time rules and the in-process
:class:`JlisService`, which implements the API the phone and the relying services call
(:class:`~labkit.office.contract.JlisApi`, re-exported here with its value objects) and holds
the privileged :class:`CounterOps`. :mod:`labkit.office` composes it with the municipality and
serves it over HTTP."""

from ..office.contract import (
    ApplicationKind,
    ApplicationReceipt,
    ApplicationRequest,
    ApplicationState,
    CertificateInfo,
    DeviceState,
    DeviceStatus,
    JlisApi,
    LossItem,
    LossReceipt,
    LossReport,
    Notification,
    NotificationKind,
    RegistrationPackage,
    RevocationReceipt,
    RevocationRequest,
    Serial,
    UsageEvent,
    UsageKind,
    UsageRecord,
)
from ..office.refusals import MalformedRequestError, Refusal, refuse
from .counter import CounterOps
from .db import JlisDb
from .holidays import holidays, is_holiday, is_weekend_or_holiday
from .hotline import Hotline
from .prerequisites import (
    COMPATIBLE_MODELS,
    DEFAULT_DEVICE_POLICY,
    MINIMUM_APP_VERSION,
    DevicePolicy,
    check_prerequisites,
)
from .rules import (
    DEFAULT_PUSH_POLICY,
    DELETION_WINDOW,
    HOTLINE_GUIDANCE_NUMBER,
    HOTLINE_HOURS,
    HotlineHours,
    PushPolicy,
    old_phone_deletes,
)
from .service import JlisService

__all__ = ["COMPATIBLE_MODELS", "DEFAULT_DEVICE_POLICY", "DEFAULT_PUSH_POLICY", "DELETION_WINDOW",
           "HOTLINE_GUIDANCE_NUMBER", "HOTLINE_HOURS", "MINIMUM_APP_VERSION", "ApplicationKind", "ApplicationReceipt",
           "ApplicationRequest", "ApplicationState", "CertificateInfo", "CounterOps", "DevicePolicy", "DeviceState",
           "DeviceStatus", "Hotline", "HotlineHours", "JlisApi", "JlisDb", "JlisService", "LossItem", "LossReceipt",
           "LossReport", "MalformedRequestError", "Notification", "NotificationKind", "PushPolicy", "Refusal",
           "RegistrationPackage", "RevocationReceipt", "RevocationRequest", "Serial", "UsageEvent", "UsageKind",
           "UsageRecord", "check_prerequisites", "holidays", "is_holiday", "is_weekend_or_holiday", "old_phone_deletes",
           "refuse"]
