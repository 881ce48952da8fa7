"""J-LIS (地方公共団体情報システム機構) lab stand-in: the time rules and the in-process
:class:`JlisService`, which implements the API the phone and the relying services call
(:class:`~labkit.office.contract.JlisApi`, re-exported here with its value objects) and holds
the privileged :class:`CounterOps`. :mod:`labkit.office` composes it with the municipality and
serves it over HTTP."""

from ..office import jlis_forms
from ..office.contract import JlisApi, Serial
from ..office.jlis_forms import *  # the J-LIS API's value objects, as before the office existed
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
           "HOTLINE_GUIDANCE_NUMBER", "HOTLINE_HOURS", "MINIMUM_APP_VERSION", "CounterOps", "DevicePolicy", "Hotline",
           "HotlineHours", "JlisApi", "JlisDb", "JlisService", "MalformedRequestError", "PushPolicy", "Refusal",
           "Serial", "check_prerequisites", "holidays", "is_holiday", "is_weekend_or_holiday", "old_phone_deletes",
           "refuse", *jlis_forms.__all__]
