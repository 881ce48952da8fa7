"""An Android phone of the lab: model, NFC, the GP-SE, network, push notifications,
installed apps and factory reset.

What survives what (lecture 2-7 【講師】):

* **factory reset** (端末初期化) wipes the apps, their data, the push inbox and the OS's
  biometric enrolment — but not the secure element: certificates and keys stay in the SE.
  Only revocation (「失効」) or a device change deletes them.
* the SE has its own store (:class:`~labkit.se.SeStore`); with ``se_path`` it is a file that
  outlives the Python objects.

The phone knows its apps only through a small interface: an installed package runs the code
its factory makes (``apps``: package → factory; any other package is an :class:`InstalledApp`),
and an app subscribes to push notifications and NFC events (:meth:`Phone.subscribe_push`,
:meth:`Phone.listen_nfc`). Push notifications are polled from J-LIS on the simulated clock
(:meth:`Phone.sync`) — only while the phone is online and an app (the Mynaportal app) has
subscribed, as a real push needs both.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from ..apdu import background
from ..card import MyNumberCard, Trace
from ..clock import Clock
from ..errors import InputError, LabkitError, ServiceError
from ..i18n import Text
from ..office.contract import DeviceProof, JlisApi, Notification
from ..reader import InProcessTransport
from ..se import AccessEvent, IsdConfig, SecureElement, SecureElementService, SEService
from ..se.gp_data import Cplc
from ..services.tls import TlsResult
from ..services.webpki import SiteKind
from .apps import CATALOG, MYNAPORTAL, MYNAPORTAL_PACKAGE, AppPackage
from .network import Internet, offline_error

#: the purpose of the APDUs a phone exchanges to prove itself before each poll (a lab assumption)
DEVICE_PROOF = "device-proof"

if TYPE_CHECKING:
    from .mynaportal import MynaportalApp

__all__ = ["AppFactory", "BiometricSensor", "InstalledApp", "Nfc", "NfcListener", "Phone", "PhoneEvent",
           "PushMessage"]

#: What an installed package runs: ``factory(phone)`` returns the app object.
AppFactory = Callable[["Phone"], Any]


class NfcListener(Protocol):
    """An app that reacts to a card in the NFC field (Android's NFC intent)."""

    def card_held(self) -> None: ...

    def card_removed(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PushMessage:
    """A push notification as the phone shows it."""

    received_at: datetime
    notification: Notification

    @property
    def text(self) -> Text:
        return self.notification.message


@dataclass(frozen=True, slots=True)
class PhoneEvent:
    """One line of the phone's own log (what a learner sees happen)."""

    at: datetime
    text: Text


class InstalledApp:
    """An ordinary app: it can ask the SE service for a channel (and be refused) and ask the
    Mynaportal app for a login or a signature (refused unless it is a registered service)."""

    def __init__(self, phone: Phone, package: AppPackage) -> None:
        self.phone = phone
        self.package = package

    @property
    def device_id(self) -> str:
        return self.phone.device_id

    def open_jpki_channel(self) -> Any:
        """Go to the SE's JPKI AP directly through OMAPI, as this app (the SE's access
        rules refuse every app but Mynaportal: AccessDeniedError)."""
        from ..card import Aid
        omapi = self.phone.omapi(self.package.package)
        return omapi.get_readers()[0].open_session().open_logical_channel(bytes(Aid.JPKI))

    def request_signature(self, data: bytes, *, password: str) -> bytes:
        """Ask the Mynaportal app for a signature (an intent to its package; refused unless
        this app is a registered service); Android tells the Mynaportal app who is calling."""
        signature: bytes = self.phone.app(MYNAPORTAL_PACKAGE).sign_document(data, password=password,
                                                                            caller=self.package.identity)
        return signature

    def request_login(self, challenge: Any, *, pin: str | None = None, biometric: bool = False) -> Any:
        return self.phone.app(MYNAPORTAL_PACKAGE).authenticate(challenge, pin=pin, biometric=biometric,
                                                               caller=self.package.identity)


class Nfc:
    """The phone's NFC antenna: a card held to it is reachable through an in-process transport
    (the reading step 2-3 ⑦); every APDU goes into ``trace``."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.card: MyNumberCard | None = None
        self.transport: InProcessTransport | None = None

    def hold(self, card: MyNumberCard) -> None:
        if not isinstance(card, MyNumberCard):
            raise InputError(Text("マイナンバーカードをかざしてください", "hold a My Number Card to the phone"))
        self.remove()
        self.card = card
        self.transport = InProcessTransport(card, "NFC (モバイル非接触ICマーク)")
        self.transport.add_observer(self.trace)
        self.trace.clear()

    def remove(self) -> None:
        if self.transport is not None:
            self.transport.disconnect()
        self.card, self.transport = None, None


class BiometricSensor:
    """The OS fingerprint sensor: ``enrolled`` is whose finger the OS knows, ``user`` whose
    finger is on the sensor now (the owner, unless someone else holds the phone)."""

    def __init__(self, owner: str | None) -> None:
        self.enrolled = owner
        self.user = owner

    def matches(self) -> bool:
        return self.enrolled is not None and self.user == self.enrolled


class Phone:
    """One Android phone. Create phones with :meth:`labkit.world.World.new_phone`."""

    def __init__(self, *, name: str, model: str, device_id: str, clock: Clock, network: Internet,
                 owner: str | None = None, se: SecureElement | None = None,
                 se_path: str | os.PathLike[str] | None = None, chip_serial: int = 1,
                 apps: Mapping[str, AppFactory] | None = None) -> None:
        self.name = name
        self.model = model
        self.device_id = device_id
        self.clock = clock
        self.network = network
        self.owner = owner
        if se is None:
            cplc = Cplc(ic_serial=(chip_serial & 0xFFFFFFFF).to_bytes(4, "big"))
            se = SecureElement(se_path, mynaportal=MYNAPORTAL.identity, clock=clock, isd_config=IsdConfig(cplc=cplc))
        self.se = se
        self.se_service = SecureElementService({"eSE1": se})
        self.access_log: list[AccessEvent] = []
        for terminal in self.se_service.terminals.values():
            terminal.add_listener(self.access_log.append)
        self.card_trace = Trace()
        self.se_trace = Trace()
        self.nfc = Nfc(self.card_trace)
        self.biometrics = BiometricSensor(owner)
        self.online = True
        self.dns: dict[str, SiteKind] = {}
        self.inbox: list[PushMessage] = []
        self.log: list[PhoneEvent] = []
        self._factories = dict(apps or {})
        self._apps: dict[str, Any] = {}
        self._push: dict[str, Callable[[Notification], None]] = {}
        self._provers: dict[str, Callable[[], DeviceProof]] = {}
        #: Held while an app talks to the SE, and while a device proof is made and sent (J-LIS
        #: wants the SE's counters in order).
        self.device_calls = threading.RLock()
        self._nfc: dict[str, NfcListener] = {}
        self._closed = False

    # -- identity --------------------------------------------------------------------------
    @property
    def se_id(self) -> str:
        """The SE's identity as J-LIS records it (from the CPLC IC serial)."""
        return "SE-" + self.se.isd.config.cplc.ic_serial.hex().upper()

    def note(self, ja: str, en: str) -> None:
        self.log.append(PhoneEvent(self.clock.now(), Text(ja, en)))

    # -- network ---------------------------------------------------------------------------
    def set_online(self, online: bool = True) -> list[PushMessage]:
        """Airplane mode off (True) or on (False); coming online delivers pending pushes."""
        self.online = bool(online)
        self.note("ネットワークに接続" if online else "ネットワークから切断", "online" if online else "offline")
        return self.sync() if online else []

    def jlis(self) -> JlisApi:
        """J-LIS, if the phone can reach it."""
        if not self.online:
            raise offline_error()
        return self.network.jlis

    def spoof(self, host: str, site: SiteKind | str | None) -> None:
        """Join a rogue Wi-Fi whose DNS sends ``host`` to ``site`` (None: back to normal)."""
        if site is None:
            self.dns.pop(host, None)
        else:
            self.dns[host] = SiteKind(site)

    def connect(self, host: str) -> TlsResult:
        """Open a TLS connection to ``host`` (a real handshake over loopback)."""
        if not self.online:
            raise offline_error()
        return self.network.connect(host, self.dns)

    # -- apps ------------------------------------------------------------------------------
    def installed(self, package: str = MYNAPORTAL_PACKAGE) -> bool:
        return package in self._apps

    @property
    def packages(self) -> list[str]:
        return list(self._apps)

    def install(self, package: str | AppPackage) -> Any:
        """What the Play Store's 「インストール」 does (see :mod:`labkit.phone.playstore`)."""
        pkg = package if isinstance(package, AppPackage) else _catalog(package)
        if pkg.package not in self._apps:
            factory = self._factories.get(pkg.package)
            self._apps[pkg.package] = factory(self) if factory is not None else InstalledApp(self, pkg)
            self.note(f"{pkg.title.ja} をインストール", f"installed {pkg.title.en}")
        return self._apps[pkg.package]

    def uninstall(self, package: str) -> None:
        """Remove an app and all its data (the SE is not the app's data)."""
        app = self._apps.pop(package, None)
        self._push.pop(package, None)
        self._provers.pop(package, None)
        self._nfc.pop(package, None)
        if app is not None:
            close = getattr(app, "close", None)
            if close is not None:
                close()
            self.note(f"{package} をアンインストール", f"uninstalled {package}")

    def app(self, package: str) -> Any:
        try:
            return self._apps[package]
        except KeyError:
            raise ServiceError(Text(f"アプリ {package} はインストールされていません",
                                    f"the app {package} is not installed"), reason="not_installed") from None

    @property
    def mynaportal(self) -> MynaportalApp:
        """The Mynaportal app (install it first: 2-2)."""
        return self.app(MYNAPORTAL_PACKAGE)

    def omapi(self, package: str) -> SEService:
        """The OMAPI service as Android hands it to ``package``: bound to that app's identity
        (package name + signing certificate), which the SE service checks on every channel."""
        app = self.app(package)
        return SEService(self.se_service, app.package.identity)

    # -- push --------------------------------------------------------------------------------
    def subscribe_push(self, package: str, handler: Callable[[Notification], None], *,
                       prove: Callable[[], DeviceProof] | None = None) -> None:
        """``package``'s push registration: this phone's J-LIS notifications go to ``handler``.
        ``prove`` makes the device proof J-LIS wants for a poll (the Mynaportal app asks the SE;
        lab assumption, :mod:`labkit.jlis.devices`)."""
        self._push[package] = handler
        if prove is not None:
            self._provers[package] = prove

    def listen_nfc(self, package: str, listener: NfcListener) -> None:
        """``package`` is told when a card is held to the phone or taken away."""
        self._nfc[package] = listener

    def sync(self) -> list[PushMessage]:
        """Fetch due push notifications (online and with a subscribed app only) and hand them
        to the subscribed apps (the Mynaportal app acts on deletion orders by itself)."""
        if not self.online or not self._push:
            return []
        try:
            with self.device_calls:
                notes = self.network.jlis.poll(self.device_id, self._proof())
        except ServiceError:
            return []
        now = self.clock.now()
        messages = [PushMessage(now, n) for n in notes]
        self.inbox.extend(messages)
        for message in messages:
            self.note(f"プッシュ通知: {message.text.ja}", f"push: {message.text.en}")
            for handler in list(self._push.values()):
                try:
                    handler(message.notification)
                except LabkitError as exc:
                    self.note(f"通知の処理に失敗: {exc.text.ja}", f"could not act on the push: {exc.text.en}")
        return messages

    def _proof(self) -> DeviceProof | None:
        for prove in list(self._provers.values()):
            try:
                with background(DEVICE_PROOF):  # traces fold these APDUs away (and count them)
                    return prove()
            except LabkitError:
                continue  # e.g. no device key yet: J-LIS asks for no proof then
        return None

    # -- NFC ---------------------------------------------------------------------------------
    def hold_card(self, card: MyNumberCard) -> None:
        """Hold a My Number Card to the back of the phone (the モバイル非接触ICマーク)."""
        self.nfc.hold(card)
        self.note("マイナンバーカードをかざした", "a My Number Card is held to the phone")
        for listener in list(self._nfc.values()):
            listener.card_held()

    def remove_card(self) -> None:
        if self.nfc.card is None:
            return
        self.nfc.remove()
        self.note("カードを離した", "the card was removed")
        for listener in list(self._nfc.values()):
            listener.card_removed()

    # -- life cycle ---------------------------------------------------------------------------
    def factory_reset(self) -> None:
        """端末初期化: apps, app data, push inbox and biometric enrolment go; the SE stays."""
        for package in list(self._apps):
            self.uninstall(package)
        self.nfc.remove()
        self.inbox.clear()
        self.dns.clear()
        self.biometrics.enrolled = None
        self.se.power_off()
        self.note("端末を初期化しました (SE 内のデータは残ります)",
                  "factory reset done (the data in the SE stays)")

    def close(self) -> None:
        """Close the apps' channels and the SE store (safe to call twice)."""
        if self._closed:
            return
        self._closed = True
        for package in list(self._apps):
            app = self._apps[package]
            close = getattr(app, "close", None)
            if close is not None:
                close()
        self.se.close()

    def __repr__(self) -> str:
        return f"<Phone {self.name!r} {self.model} {self.device_id} {'online' if self.online else 'offline'}>"


def _catalog(package: str) -> AppPackage:
    for pkg in CATALOG:
        if pkg.package == package:
            return pkg
    raise InputError(Text(f"Play ストアに {package} はありません", f"the Play Store has no {package}"))
