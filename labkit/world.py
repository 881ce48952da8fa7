"""The one facade the notebooks use: a whole lab world in one object.

``World.create()`` builds, on ONE simulated clock, the lab J-LIS (PKI + service), a
municipality (清瀬市) with its resident registry, the hotline, the relying services (the
Mynaportal portal with its offices, a bank, a convenience-store kiosk) and the phones.
``World.create(jlis="http://…")`` instead connects to a shared ``labkit jlis serve``, so
phones in several notebook kernels share one J-LIS (and its clock); residents and cards then
come from the server's municipal counter (``/api/counter``): ``world.municipality`` is a
:class:`~labkit.municipality.RemoteMunicipality` with the same calls, and each card is made
at the server and handed over as its state. ``world.counter`` is the counter API
(:class:`~labkit.municipality.CounterService` in process, ``HttpCounter`` by URL).

Logic lives in the actors (:mod:`labkit.phone`, :mod:`labkit.services`, :mod:`labkit.jlis`,
:mod:`labkit.municipality`); the world only wires them and offers one-line helpers::

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
import socket
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .card import KeyRole, my_number_check_digit
from .clock import SimulatedClock, parse_time, to_jst
from .errors import InputError, ServiceError
from .i18n import Text, check_lang
from .jlis import JlisApi, LossItem, LossReceipt, PushPolicy
from .jlis.hotline import Hotline
from .people import SAMPLE_PEOPLE, Person, RemoteClock, room_address
from .phone import Internet, Phone, PlayStore
from .phone.mynaportal import AppState, B
from .pki import Sex
from .services import ConvenienceStoreKiosk, LabBank, MynaportalService, PortalSession, WebServers

__all__ = ["SAMPLE_PEOPLE", "Person", "RemoteClock", "World"]

DEFAULT_NOW = "2026-04-01T10:00:00+09:00"


class World:
    """Everything a notebook needs; create it with :meth:`create`."""

    def __init__(self, *, clock: Any, jlis: JlisApi, lang: str, seed: int, municipality: Any, counter: Any,
                 service: Any = None, data_dir: Path | None = None) -> None:
        self.clock = clock
        self.jlis = jlis
        self.service = service
        self.municipality = municipality
        self.counter = counter
        self.lang = check_lang(lang)
        self.seed = seed
        self.data_dir = data_dir
        self._rng = random.Random(seed)
        self.internet = Internet(jlis)
        self.hotline = Hotline(jlis)
        self.portal = MynaportalService(jlis, clock)
        self.bank = LabBank(jlis, clock)
        city = Text("清瀬市", "Kiyose City")
        def lookup(holder_id: str) -> Any:
            return municipality.registry.by_holder(holder_id).holder.attributes
        self.kiosk = ConvenienceStoreKiosk(jlis, clock, lookup=lookup, municipality=city)
        self.internet.services[self.portal.host or ""] = self.portal
        self.internet.services[self.bank.host or ""] = self.bank
        self.people: dict[str, Person] = {}
        self.phones: list[Phone] = []
        self._server: Any = None

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def create(cls, *, now: datetime | str = DEFAULT_NOW, seed: int = 0, lang: str = "ja", jlis: str | None = None,
               data_dir: str | Path | None = None, push_policy: PushPolicy | None = None,
               key_factory: Any = None) -> World:
        """A whole world in process, or (``jlis=URL``) phones and services around a shared J-LIS.
        ``data_dir`` keeps the SE stores in files (else in memory)."""
        path = Path(data_dir) if data_dir is not None else None
        if jlis is not None:
            from .jlis.http_client import HttpJlis
            from .municipality import HttpCounter, RemoteMunicipality
            client = HttpJlis(jlis)
            counter = HttpCounter(client)
            return cls(clock=RemoteClock(client), jlis=client, lang=lang, seed=seed, data_dir=path,
                       municipality=RemoteMunicipality(counter), counter=counter)
        from .jlis.service import JlisService
        from .municipality import CounterService, Municipality
        from .pki import Jpki, MemoryStore

        clock = SimulatedClock(now)
        options = {} if key_factory is None else {"key_factory": key_factory}
        pki = Jpki.create(MemoryStore(), clock, **options)
        service = JlisService(pki, **({} if push_policy is None else {"push_policy": push_policy}))
        municipality = Municipality(service)
        return cls(clock=clock, jlis=service, lang=lang, seed=seed, service=service, municipality=municipality,
                   counter=CounterService(municipality), data_dir=path)

    @property
    def web(self) -> WebServers:
        """The lab web PKI and TLS sites (genuine portal, bank, fakes) for 1-4."""
        return self.internet.web

    def text(self, text: Text) -> str:
        """``text`` in the world's language."""
        return text.get(self.lang)

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
        if base is None and None in (name, sex, birth_date, address):
            raise InputError(Text(f"住民 {key!r} は見本にありません。name, sex, birth_date, address を指定してください",
                                  f"no sample resident {key!r}: give name, sex, birth_date and address"))
        fields = (name or base[0], Sex(sex if sex is not None else base[1]),  # type: ignore[index]
                  birth_date or base[2], address or base[3])  # type: ignore[index]
        if self.service is None:  # shared J-LIS: other kernels make the same sample people
            my_number = None
            if address is None:
                fields = (*fields[:3], room_address(fields[3]))
        else:
            body = f"{self._rng.randrange(10**11):011d}"
            my_number = body + str(my_number_check_digit(body))
        resident = self.municipality.register(*fields, my_number=my_number)
        today = to_jst(self.clock.now()).date()
        under_15 = resident.holder.attributes.age_on(today) < 15
        password = None if under_15 else card_password
        card = self.municipality.issue_card(resident, auth_pin=card_pin, sign_password=password)
        person = Person(key, self.municipality.registry.get(resident.my_number), card, card_pin, password)
        self.people[key] = person
        return person

    # -- phones --------------------------------------------------------------------------------
    def new_phone(self, owner: Person | None = None, *, model: str = "Pixel 8", name: str | None = None,
                  install: bool = True, online: bool = True) -> Phone:
        """A new Android phone (its SE fresh from the factory); with ``install`` the Mynaportal
        app is already installed (2-2 can be done by hand with :meth:`play_store`)."""
        n = len(self.phones) + 1
        device_id = (f"android-{self.seed:04d}-{n:02d}" if self.service is not None
                     else f"android-{random.getrandbits(48):012x}")
        se_path = self.data_dir / f"{device_id}.se.db" if self.data_dir is not None else None
        phone = Phone(name=name or f"phone{n}", model=model, device_id=device_id, clock=self.clock,
                      network=self.internet, owner=owner.name if owner else None, se_path=se_path,
                      chip_serial=self._rng.randrange(1, 2**32))
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
        return self.clock.now()  # type: ignore[no-any-return]

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move the one clock forward; then every online phone fetches its pushes."""
        when = self.clock.advance(delta, **kwargs)
        self.sync()
        return when  # type: ignore[no-any-return]

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
        return held  # type: ignore[no-any-return]

    def phone_found(self, person: Person) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The lost phone was found: (released, revoked) phone certificates."""
        result = self.municipality.phone_found(person.resident)
        self._after_counter(person)
        return result  # type: ignore[no-any-return]

    def card_found(self, person: Person, *, new_sign_password: str | None = None) -> tuple[tuple[int, ...],
                                                                                            tuple[int, ...]]:
        """The lost card was found: its user-auth hold lifted, its signing certificate revoked
        and, with ``new_sign_password``, re-issued on ``person.card``."""
        result = self.municipality.card_found(person.resident, person.card, new_sign_password=new_sign_password)
        if new_sign_password is not None:
            person.card_password = new_sign_password
        self._after_counter(person)
        return result  # type: ignore[no-any-return]

    def change_attributes(self, person: Person, *, address: str | None = None, name: str | None = None,
                          new_sign_password: str | None = None) -> Any:
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
        person.resident = self.municipality.registry.get(person.resident.my_number)
        self.sync()

    # -- sharing with other kernels -------------------------------------------------------------
    def serve(self, port: int = 0) -> str:
        """Serve this world's J-LIS over HTTP (``labkit jlis serve`` in a thread) and return its
        URL: other kernels pass it as ``World.create(jlis=URL)``."""
        if self.service is None:
            raise ServiceError(Text("共有 J-LIS に接続したワールドは提供できません",
                                    "a world connected to a shared J-LIS cannot serve one"), reason="unavailable")
        if self._server is not None:
            return self._server[1]  # type: ignore[no-any-return]
        import uvicorn

        from .jlis.server import create_app

        sock = socket.create_server(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it (Linux)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        app = create_app(self.service, clock=self.clock, counter=self.counter)
        config = uvicorn.Config(app, log_level="warning", access_log=False)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="jlis-http", daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            threading.Event().wait(0.01)
        self._server = (server, url, thread, sock)
        return url

    def close(self) -> None:
        for phone in self.phones:
            phone.close()
        if self._server is not None:
            server, _, thread, sock = self._server
            server.should_exit = True
            thread.join(timeout=5)
            sock.close()
            self._server = None
        close = getattr(self.jlis, "close", None)
        if self.service is None and close is not None:
            close()

    def __enter__(self) -> World:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _expect(screen: Any, app: Any, state: AppState) -> None:
    """Raise the screen's error if the app did not reach ``state``."""
    if app.state is not state:
        error = app.screen.error or Text(f"画面が「{app.state.value}」のままです", f"the app is at {app.state.value}")
        raise ServiceError(error, reason="flow", state=app.state.value)

