"""Course widgets. Each class keeps a pure model (no ipywidgets, unit-tested) and builds an
ipywidgets view from it; the object displays as its view, and nothing here calls display().
Views carry stable CSS classes (``labkit-...``) for the browser tests."""

from .apdu_trace import ApduTraceModel, ApduTraceViewer, TraceRow, mask_apdu
from .certificate import CertificateModel, CertificateViewer, CertStatusInfo, load_certificate
from .password import PasswordChecker, PasswordCheckerModel, PasswordExamples
from .se_inspector import SeInspector, SeInspectorModel

__all__ = [
    "ApduTraceModel",
    "ApduTraceViewer",
    "CertStatusInfo",
    "CertificateModel",
    "CertificateViewer",
    "PasswordChecker",
    "PasswordCheckerModel",
    "PasswordExamples",
    "SeInspector",
    "SeInspectorModel",
    "TraceRow",
    "load_certificate",
    "mask_apdu",
]
