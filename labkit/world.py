"""The one facade the notebooks use: a whole lab world in one object.

``World.create()`` builds, on ONE simulated clock, the lab J-LIS (PKI + service), a
municipality (清瀬市) with its resident registry, the hotline, the relying services (the
Mynaportal portal with its offices, a bank, a convenience-store kiosk) and the phones.
``World.create(jlis="http://…")`` instead connects to a shared ``labkit jlis serve``, so
phones in several notebook kernels share one J-LIS (and its clock). Either way the world
holds an :class:`~labkit.office.compose.Office` and talks to its contracts only:
``world.jlis`` (the J-LIS API), ``world.counter`` (the counter API) and
``world.municipality``, a :class:`~labkit.office.desk.CounterDesk` over it (each card is
made at the counter and handed over as its state).

Logic lives in the actors (:mod:`labkit.phone`, :mod:`labkit.services`, :mod:`labkit.office`
and behind it J-LIS and the municipality); the world only wires them and offers one-line helpers::

    world = World.create(now="2026-04-01T10:00")
    hanako = world.resident("sample")
    phone = world.new_phone(hanako)
    world.apply(hanako, phone)              # the whole of 2-3 and 2-4 through the app's screens
    session = world.portal.login(phone.mynaportal, pin=hanako.phone_pin)

The calls each lab of the course outline needs:

=========  ====================================================================================
1-1        ``p = world.resident("sample"); phone = world.new_phone(p)``
1-2        ``world.login(phone, pin=…)``; ``world.bank.open_account(phone.install(BANK), password=…)``;
           ``world.kiosk.print_juminhyo(phone.mynaportal, pin=…)``
1-4        ``phone.connect(PORTAL_HOST)`` (real TLS; ``explain_certificate(r.presented)``);
           ``phone.spoof(PORTAL_HOST, "impostor")`` then ``world.login`` → refused;
           ``world.login(...).history()`` (利用履歴)
1-5        ``phone.se.inventory()``; ``phone.install(GAME).open_jpki_channel()`` → denied;
           wrong ``pin`` three times → ``locked``; ``phone.se.detect_fault(FaultKind.LIGHT)``
2-2        ``store = world.play_store(phone)``: ``press("Playストア")`` … ``press("インストール")``
2-3/2-4    ``app = phone.mynaportal``: ``press``/``enter``/``check``, ``phone.hold_card(p.card)``,
           ``phone.remove_card()``, ``world.advance(minutes=3)``; or ``world.apply(p, phone)``
2-5        ``world.apply(p, new, device_change=True)``; ``old.set_online(False)``,
           ``world.advance(hours=48)``
2-6        ``world.report_loss(p, "phone"|"card")`` (hotline); at the counter
           ``world.report_card_loss(p)``, ``world.phone_found(p)``,
           ``world.card_found(p, new_sign_password=…)`` then 「一時利用停止の解除」 in the app;
           ``world.change_attributes(p, address=…)``, ``world.reset_pin(p, "auth", "5678")``
2-7        app 「失効」 → 「はじめる」 → password → 「失効」; ``phone.factory_reset()``
=========  ====================================================================================

Deterministic given ``seed`` and ``now`` (device ids, My Numbers, chip serials); RSA keys
are random, so outputs should show serial-independent things.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from .card import KeyRole, my_number_check_digit
from .clock import SimulatedClock, parse_time, to_jst
from .errors import InputError, ServiceError
from .i18n import Text, check_lang
from .jlis.hotline import Hotline
from .jlis.rules import PushPolicy
from .office.compose import Office
from .office.contract import LossItem, LossReceipt, Resident
from .office.desk import CounterDesk
from .people import SAMPLE_PEOPLE, Person, room_address
from .phone import APPS, Internet, Phone, PlayStore
from .phone.mynaportal import AppState, B, MynaportalApp
from .pki import BasicAttributes, Sex
from .services import ConvenienceStoreKiosk, LabBank, MynaportalService, PortalSession

__all__ = ["SAMPLE_PEOPLE", "Person", "World"]

DEFAULT_NOW = "2026-04-01T10:00:00+09:00"


class World:
    """Everything a notebook needs; create it with :meth:`create`."""

    def __init__(self, office: Office, *, lang: str = "ja", seed: int = 0, data_dir: Path | None = None) -> None:
        self.office = office
        self.clock = office.clock
        self.jlis = office.jlis
        self.counter = office.counter
        self.municipality = CounterDesk(office.counter)
        self.lang = check_lang(lang)
        self.seed = seed
        self.data_dir = data_dir
        self._rng = random.Random(seed)
        self.internet = Internet(self.jlis)
        self.hotline = Hotline(self.jlis)
        self.portal = MynaportalService(self.jlis, self.clock)
        self.bank = LabBank(self.jlis, self.clock)

        def lookup(holder_id: str) -> BasicAttributes:
            return self.municipality.resident_by_holder(holder_id).holder.attributes
        city = Text("清瀬市", "Kiyose City")
        self.kiosk = ConvenienceStoreKiosk(self.jlis, self.clock, lookup=lookup, municipality=city)
        self.internet.services[self.portal.host or ""] = self.portal
        self.internet.services[self.bank.host or ""] = self.bank
        self.people: dict[str, Person] = {}
        self.phones: list[Phone] = []

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def create(cls, *, now: datetime | str = DEFAULT_NOW, seed: int = 0, lang: str = "ja", jlis: str | None = None,
               token: str | None = None, data_dir: str | Path | None = None, push_policy: PushPolicy | None = None,
               key_factory: Callable[[], rsa.RSAPrivateKey] | None = None) -> World:
        """A whole world in process, or (``jlis=URL``) phones and services around a shared J-LIS;
        ``token``: a class J-LIS's student (or lecturer) token, sent with every call.
        ``data_dir`` keeps the SE stores in files (else in memory)."""
        remote = (lambda url: Office.remote(url, token=token)) if token else Office.remote
        office = (remote(jlis) if jlis is not None else
                  Office.in_process(SimulatedClock(now), push_policy=push_policy, key_factory=key_factory))
        return cls(office, lang=lang, seed=seed, data_dir=Path(data_dir) if data_dir is not None else None)

    # -- people --------------------------------------------------------------------------------
    def resident(self, key: str = "sample", *, name: str | None = None, sex: Sex | int | None = None,
                 birth_date: date | None = None, address: str | None = None,
                 card_password: str | None = "ABC123", card_pin: str = "1234") -> Person:
        """A resident registered at the city office with a freshly issued My Number Card
        (``key`` names one of :data:`SAMPLE_PEOPLE` or a new person given by the keywords).
        Asking again for the same key returns the same person. Connected to a shared J-LIS,
        the server's counter registers them (it assigns the My Number; a sample resident gets
        a room number in the address, see :func:`~labkit.people.room_address`) and issues the
        card, which is handed over into this kernel."""
        if key in self.people:
            return self.people[key]
        base = SAMPLE_PEOPLE.get(key)
        if base is None:
            if name is None or sex is None or birth_date is None or address is None:
                raise InputError(Text(f"住民 {key!r} は見本にありません。name, sex, birth_date, address を"
                                      "指定してください",
                                      f"no sample resident {key!r}: give name, sex, birth_date and address"))
            base = (name, Sex(sex), birth_date, address)
        home, my_number = address or base[3], None
        if self.office.shared:  # other kernels make the same sample people: the counter numbers them
            home = home if address is not None else room_address(home)
        else:
            body = f"{self._rng.randrange(10**11):011d}"
            my_number = body + str(my_number_check_digit(body))
        resident = self.municipality.register(name or base[0], Sex(sex if sex is not None else base[1]),
                                              birth_date or base[2], home, my_number=my_number)
        today = to_jst(self.clock.now()).date()
        under_15 = resident.holder.attributes.age_on(today) < 15
        password = None if under_15 else card_password
        card = self.municipality.issue_card(resident, auth_pin=card_pin, sign_password=password)
        person = Person(key, self.municipality.resident(resident.my_number), card, card_pin, password)
        self.people[key] = person
        return person

    # -- phones --------------------------------------------------------------------------------
    def new_phone(self, owner: Person | None = None, *, model: str = "Pixel 8", name: str | None = None,
                  install: bool = True, online: bool = True) -> Phone:
        """A new Android phone (its SE fresh from the factory); with ``install`` the Mynaportal
        app is already installed (2-2 can be done by hand with :meth:`play_store`)."""
        n = len(self.phones) + 1
        device_id = (f"android-{random.getrandbits(48):012x}" if self.office.shared
                     else f"android-{self.seed:04d}-{n:02d}")
        se_path = self.data_dir / f"{device_id}.se.db" if self.data_dir is not None else None
        phone = Phone(name=name or f"phone{n}", model=model, device_id=device_id, clock=self.clock,
                      network=self.internet, owner=owner.name if owner else None, se_path=se_path,
                      chip_serial=self._rng.randrange(1, 2**32), apps=APPS)
        phone.online = online
        if install:
            phone.install("jp.go.digital.mynaportal.lab")
        self.phones.append(phone)
        return phone

    def play_store(self, phone: Phone) -> PlayStore:
        """The phone's home screen and Play Store (lecture 2-2)."""
        return PlayStore(phone)

    # -- time ----------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the one clock forward; then every online phone fetches its pushes."""
        when = self.clock.advance(delta, **kwargs)
        self.sync()
        return when

    def advance_to(self, when: datetime | str) -> datetime:
        """Move forward to ``when`` (never back)."""
        target = parse_time(when)
        step = target - self.now()
        return self.advance(step if step > timedelta(0) else timedelta(0))

    def sync(self) -> None:
        for phone in self.phones:
            phone.sync()

    # -- one-line flows (for labs that are not about the flow itself) ----------------------------
    def apply(self, person: Person, phone: Phone, *, certificates: tuple[str, ...] = ("sign", "auth"),
              device_change: bool = False, register: bool = True) -> Phone:
        """2-3 (or 2-5) through the app's screens: password, certificates, 確認しました, 申請する,
        read the card, passwords; with ``register`` wait for the push and 登録する (2-4)."""
        app = phone.mynaportal
        app.open()
        _expect(app.press(B.MENU), app, AppState.MENU)
        _expect(app.press(B.CHANGE if device_change else B.APPLY), app, AppState.FORM)
        app.enter("password", person.card_password or "")
        for kind in ("sign", "auth"):
            if any(c.id == kind for c in app.screen.checks):
                app.check(kind, kind in certificates)
        app.check("confirmed")
        _expect(app.press(B.SUBMIT), app, AppState.READ_CARD)
        phone.hold_card(person.card)
        _expect(app.screen, app, AppState.READ_SUCCESS)
        phone.remove_card()
        app.press(B.NEXT)
        if app.state is AppState.CONFIRM_OLD:
            app.press(B.AGREE)
        if app.state is AppState.SIGN_PASSWORD:
            app.enter("password", person.phone_password)
            app.press(B.NEXT)
        if app.state is AppState.AUTH_PIN:
            app.enter("pin", person.phone_pin)
            app.enter("pin_again", person.phone_pin)
            app.press(B.NEXT)
        _expect(app.screen, app, AppState.APPLIED)
        app.press(B.CLOSE)
        if register:
            self.register(phone)
        return phone

    def register(self, phone: Phone) -> None:
        """Wait for the push (advancing the clock to it) and press 「登録する」 twice (2-4)."""
        app = phone.mynaportal
        receipt = app.data.receipt
        if receipt is not None and not app.data.ready:
            self.advance_to(receipt.push_at)
        app.open()
        _expect(app.press(B.MENU), app, AppState.MENU)
        _expect(app.press(B.REGISTER), app, AppState.REGISTER)
        _expect(app.press(B.REGISTER), app, AppState.REGISTERED)
        app.press(B.CLOSE)

    def login(self, phone: Phone, *, pin: str | None = None, biometric: bool = False) -> PortalSession:
        """Log in to the portal with the phone (1-2 ①)."""
        return self.portal.login(phone.mynaportal, pin=pin, biometric=biometric)

    def report_loss(self, person: Person, item: LossItem | str = LossItem.PHONE) -> LossReceipt:
        """Call the hotline (24時間365日) to suspend the certificates of a lost phone or card;
        the phone (if online) gets the push at once."""
        receipt = self.hotline.report_loss(person.loss_report(item))
        self.sync()
        return receipt

    # -- the municipal counter (市区町村窓口), in process or on the shared server ----------------
    def report_card_loss(self, person: Person) -> tuple[int, ...]:
        """紛失届 at the counter: the card's and the phone's certificates go on hold."""
        held = self.municipality.report_card_loss(person.resident)
        self._after_counter(person)
        return held

    def phone_found(self, person: Person) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The lost phone was found: (released, revoked) phone certificates."""
        result = self.municipality.phone_found(person.resident)
        self._after_counter(person)
        return result

    def card_found(self, person: Person, *, new_sign_password: str | None = None) -> tuple[tuple[int, ...],
                                                                                            tuple[int, ...]]:
        """The lost card was found: its user-auth hold lifted, its signing certificate revoked
        and, with ``new_sign_password``, re-issued on ``person.card``."""
        result = self.municipality.card_found(person.resident, person.card, new_sign_password=new_sign_password)
        if new_sign_password is not None:
            person.card_password = new_sign_password
        self._after_counter(person)
        return result

    def change_attributes(self, person: Person, *, address: str | None = None, name: str | None = None,
                          new_sign_password: str | None = None) -> Resident:
        """転居・氏名の変更 (signing certificates revoked; re-issued on the card with a password)."""
        person.resident = self.municipality.change_attributes(
            person.resident, address=address, name=name, card=person.card if new_sign_password else None,
            new_sign_password=new_sign_password)
        if new_sign_password is not None:
            person.card_password = new_sign_password
        self._after_counter(person)
        return person.resident

    def reset_pin(self, person: Person, role: KeyRole | str, new_pin: str) -> None:
        """暗証番号の初期化 of the card's ``role`` ("auth" or "sign") PIN."""
        self.municipality.reset_pin(person.resident, person.card, KeyRole(role), new_pin)
        if KeyRole(role) is KeyRole.AUTH:
            person.card_pin = new_pin
        else:
            person.card_password = new_pin
        self._after_counter(person)

    def _after_counter(self, person: Person) -> None:
        person.resident = self.municipality.resident(person.resident.my_number)
        self.sync()

    # -- sharing with other kernels -------------------------------------------------------------
    def serve(self, port: int = 0) -> str:
        """Serve this world's back office over HTTP (``labkit jlis serve`` in a thread) and
        return its URL: other kernels pass it as ``World.create(jlis=URL)``."""
        return self.office.serve(port)

    def close(self) -> None:
        for phone in self.phones:
            phone.close()
        self.office.close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _expect(screen: object, app: MynaportalApp, state: AppState) -> None:
    """Raise the screen's error if the app did not reach ``state``."""
    if app.state is not state:
        error = app.screen.error or Text(f"画面が「{app.state.value}」のままです", f"the app is at {app.state.value}")
        raise ServiceError(error, reason="flow", state=app.state.value)

