"""Relying services of the lab: the Mynaportal portal and the offices behind it, a bank, a
convenience-store kiosk, and the web PKI + real TLS that let the app tell the genuine portal
from a fake one. Every service verifies JPKI certificates against the lab J-LIS (OCSP through
the J-LIS API) and records what it did in the holder's usage history."""

from .bank import Account, LabBank
from .kiosk import SMARTPHONE_FROM, ConvenienceStoreKiosk, Juminhyo
from .portal import MynaportalService, OfficeReceipt, PortalSession, Procedure, ReceivingOffice
from .protocol import Assertion, Authenticator, AuthMethod, Challenge, Purpose
from .relying import FAILURE_REFUSALS, RelyingParty, refusal_for
from .tls import TlsFailure, TlsResult, TlsServer, WebServers, handshake
from .webpki import BANK_HOST, PORTAL_HOST, CertField, SiteKind, WebPki, WebSite, explain_certificate

__all__ = [
    "BANK_HOST",
    "FAILURE_REFUSALS",
    "PORTAL_HOST",
    "SMARTPHONE_FROM",
    "Account",
    "Assertion",
    "AuthMethod",
    "Authenticator",
    "CertField",
    "Challenge",
    "ConvenienceStoreKiosk",
    "Juminhyo",
    "LabBank",
    "MynaportalService",
    "OfficeReceipt",
    "PortalSession",
    "Procedure",
    "Purpose",
    "ReceivingOffice",
    "RelyingParty",
    "SiteKind",
    "TlsFailure",
    "TlsResult",
    "TlsServer",
    "WebPki",
    "WebServers",
    "WebSite",
    "explain_certificate",
    "handshake",
    "refusal_for",
]
