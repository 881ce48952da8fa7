"""Chapter 1 labs (lecture 1-1 to 1-6): one function per lab.

Each function takes the objects a notebook made with the World facade (``world``, a
resident, a phone) and returns a lab object: it displays as the whole lab, and its parts
(``lab.card``, ``lab.bank``, ...) display on their own, so a notebook can put the lecture's
text between them. Everything drives real labkit objects: the card is read with APDUs, the
portal, bank and kiosk verify the smartphone certificates, TLS is a real handshake, the SE
applies its own access rules and tamper policy.

=====  =====================================================================================
1-1    :func:`world_summary` (deterministic), :func:`learner_world` (card certificates, phone)
1-2    :func:`registration_summary` (deterministic), :func:`services_lab` (portal, bank, kiosk)
1-3    :func:`benefits_lab` (no card needed, only the app, biometrics vs PIN)
1-4    :func:`tls_comparison` (deterministic), :func:`portal_safety_lab` (TLS, 利用履歴)
1-5    :func:`se_contents` (deterministic), :func:`gpse_lab` (inspect, other app, PIN, attack)
1-6    :func:`hotline_now` (deterministic), :func:`contacts_lab` (is it open now?)
=====  =====================================================================================

Deterministic outputs (compared by nbval) never show keys, serial numbers or signatures.
"""

from __future__ import annotations

from ..kit import HtmlBlock
from .s1_1 import CardAndPhone, LearnerWorld, learner_world, read_card_certificates, world_summary
from .s1_2 import Services, ServicesLab, registration_summary, services_lab
from .s1_3 import Benefits, BenefitsLab, benefits_lab
from .s1_4 import (
    NETWORKS,
    Network,
    PortalSafety,
    PortalSafetyLab,
    TlsCheck,
    portal_safety_lab,
    tls_check,
    tls_comparison,
)
from .s1_5 import Gpse, GpseLab, gpse_lab, probe_attack, se_contents
from .s1_6 import PRESET_TIMES, Contacts, ContactsLab, HotlineStatus, contacts_lab, hotline_now, hotline_status

__all__ = [
    "NETWORKS", "PRESET_TIMES", "Benefits", "BenefitsLab", "CardAndPhone", "Contacts", "ContactsLab", "Gpse",
    "GpseLab", "HotlineStatus", "HtmlBlock", "LearnerWorld", "Network", "PortalSafety", "PortalSafetyLab",
    "Services", "ServicesLab", "TlsCheck", "benefits_lab", "contacts_lab", "gpse_lab", "hotline_now",
    "hotline_status", "learner_world", "portal_safety_lab", "probe_attack", "read_card_certificates",
    "registration_summary", "se_contents", "services_lab", "tls_check", "tls_comparison", "world_summary",
]
