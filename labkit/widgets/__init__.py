"""Course widgets. Each class keeps a pure model (no ipywidgets, unit-tested) and builds an
ipywidgets view from it; the object displays as its view, and nothing here calls display().
Views carry stable CSS classes (``labkit-...``) for the browser tests."""

from .apdu_trace import ApduTraceModel, ApduTraceViewer, TraceRow, mask_apdu
from .card_reading import CardReadingModel, CardReadingStep
from .certificate import CertificateModel, CertificateViewer, CertStatusInfo, load_certificate
from .password import PasswordChecker, PasswordCheckerModel, PasswordExamples
from .phone import PhoneMockup
from .phone_model import PhoneMockupModel, PhoneStatus
from .pinpad import PinAttempt, PinOutcome, PinPad, PinPadModel
from .quiz import Feedback, Quiz, QuizModel
from .quiz_data import QUESTIONS, Question
from .se_inspector import SeInspector, SeInspectorModel
from .timeline import (
    Timeline,
    TimelineModel,
    application_timeline,
    device_change_timeline,
    validity_timeline,
)
from .validity import ValidityCalculator, ValidityModel, ValidityResult

__all__ = [
    "QUESTIONS",
    "ApduTraceModel",
    "ApduTraceViewer",
    "CardReadingModel",
    "CardReadingStep",
    "CertStatusInfo",
    "CertificateModel",
    "CertificateViewer",
    "Feedback",
    "PasswordChecker",
    "PasswordCheckerModel",
    "PasswordExamples",
    "PhoneMockup",
    "PhoneMockupModel",
    "PhoneStatus",
    "PinAttempt",
    "PinOutcome",
    "PinPad",
    "PinPadModel",
    "Question",
    "Quiz",
    "QuizModel",
    "SeInspector",
    "SeInspectorModel",
    "Timeline",
    "TimelineModel",
    "TraceRow",
    "ValidityCalculator",
    "ValidityModel",
    "ValidityResult",
    "application_timeline",
    "device_change_timeline",
    "load_certificate",
    "mask_apdu",
    "validity_timeline",
]
