"""Who talks to whom: each flow of the lecture (application, registration, device change,
loss, stop using, use at a service) is *run* in a fresh lab :class:`~labkit.world.World`
while a recorder listens on the real seams: J-LIS's operations, the push notifications a phone
fetches, the APDUs the phone sends to the My Number Card (NFC) and to its GP-SE, the hotline,
the municipal counter and the relying services. The figure is drawn from that recording, so it
shows what labkit really does; if a flow changes, the figure changes with it.

The caller of a J-LIS operation is found on the call stack (the nearest phone, app, relying
service, counter or hotline object), not declared by the flow.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

from ..i18n import Text
from ._recorder import Message, Recorder, listening

__all__ = ["FLOWS", "Actor", "FlowRecord", "Message", "record"]


@dataclass(frozen=True, slots=True)
class Actor:
    key: str  # "phone:new", "se:new", "card", "jlis", "push", "municipality", "hotline", "service:…", "person"
    kind: str
    label: Text


@dataclass(frozen=True, slots=True)
class FlowRecord:
    flow: str
    title: Text
    actors: tuple[Actor, ...]
    messages: tuple[Message, ...]


#: J-LIS operations and what the arrow says (the operation names are labkit's own).
ORDER = ("person", "card", "phone", "se", "push", "jlis", "hotline", "municipality", "service")
FIXED = {
    "card": Text("マイナンバーカード", "My Number Card"),
    "push": Text("プッシュ通知", "push notification"),
    "jlis": Text("J-LIS (地方公共団体情報システム機構)", "J-LIS"),
    "municipality": Text("市区町村窓口", "municipal counter"),
    "hotline": Text("マイナンバー総合フリーダイヤル", "My Number toll-free line"),
    "person": Text("本人", "the holder"),
}


def figure_world() -> Any:
    """A fresh lab world at the figures' moment: a weekday at 10:00, seed 0."""
    from ..world import World

    return World.create(now="2026-04-01T10:00:00+09:00", seed=0)


def registered_phone(world: Any, person: Any, name: str | None = None) -> Any:
    """A new phone of ``person`` whose certificates are registered (2-3 and 2-4 done)."""
    phone = world.new_phone(person, name=name)
    world.apply(person, phone)
    return phone


def _flow_apply(world: Any) -> dict[str, Text]:
    person = world.resident("sample")
    phone = world.new_phone(person, name="phone")
    with world.recording:
        world.apply(person, phone, register=False)
        world.advance_to(phone.mynaportal.data.receipt.push_at)
    return {"phone": Text("スマホ (マイナポータルアプリ)", "phone (Mynaportal app)")}


def _flow_register(world: Any) -> dict[str, Text]:
    person = world.resident("sample")
    phone = world.new_phone(person, name="phone")
    world.apply(person, phone, register=False)
    world.advance_to(phone.mynaportal.data.receipt.push_at)
    with world.recording:
        world.register(phone)
    return {"phone": Text("スマホ (マイナポータルアプリ)", "phone (Mynaportal app)")}


def _flow_device_change(world: Any) -> dict[str, Text]:
    person = world.resident("sample")
    registered_phone(world, person, "old")
    new = world.new_phone(person, name="new")
    with world.recording:
        world.apply(person, new, device_change=True)
        world.advance(hours=1)
    return {
        "new": Text("新しいスマホ", "new phone"),
        "old": Text("古いスマホ (電源オン・接続中)", "old phone (on and online)"),
    }


def _flow_loss(world: Any) -> dict[str, Text]:
    person = world.resident("sample")
    registered_phone(world, person, "phone")
    with world.recording:
        world.report_loss(person, "phone")
        world.advance(hours=2)
        world.phone_found(person)
    return {"phone": Text("スマホ (紛失→発見)", "phone (lost, then found)")}


def _flow_stop(world: Any) -> dict[str, Text]:
    from ..phone.mynaportal import B

    person = world.resident("sample")
    phone = registered_phone(world, person, "phone")
    app = phone.mynaportal
    with world.recording:
        app.open()
        app.press(B.MENU)
        app.press(B.REVOKE)
        app.press(B.START)
        app.enter("password", person.phone_pin)
        app.press(B.REVOKE)
    return {"phone": Text("スマホ (マイナポータルアプリ)", "phone (Mynaportal app)")}


def _flow_use(world: Any) -> dict[str, Text]:
    from ..phone.apps import BANK

    person = world.resident("sample")
    phone = registered_phone(world, person, "phone")
    bank_app = phone.install(BANK)
    with world.recording:
        world.login(phone, pin=person.phone_pin)
        world.bank.open_account(bank_app, password=person.phone_password)
        world.kiosk.print_juminhyo(phone.mynaportal, pin=person.phone_pin)
    return {"phone": Text("スマホ", "phone")}


FLOWS: dict[str, tuple[Text, Callable[[Any], dict[str, Text]]]] = {
    "apply": (Text("申請: だれとだれがやりとりするか", "Application: who talks to whom"), _flow_apply),
    "register": (Text("登録: だれとだれがやりとりするか", "Registration: who talks to whom"), _flow_register),
    "device_change": (
        Text("機種変更: だれとだれがやりとりするか", "Device change: who talks to whom"),
        _flow_device_change,
    ),
    "loss": (Text("スマホを紛失したとき: だれとだれがやりとりするか", "Lost phone: who talks to whom"), _flow_loss),
    "stop": (
        Text("利用をやめる (失効): だれとだれがやりとりするか", "Stop using (revocation): who talks to whom"),
        _flow_stop,
    ),
    "use": (Text("サービスで使う: だれとだれがやりとりするか", "Using it at services: who talks to whom"), _flow_use),
}


_LOCK = threading.Lock()


@cache
def record(flow: str) -> FlowRecord:
    """Run ``flow`` in a fresh world (weekday 10:00, seed 0) and return what was said."""
    title, run = FLOWS[flow]
    with _LOCK, figure_world() as world:
        rec = Recorder(world, {})
        # ``with world.recording:`` in a flow: listen only during the part the figure shows
        world.recording = listening(rec)
        rec.phone_labels = run(world)
        world.advance(timedelta(0))
    return FlowRecord(flow, title, _actors(rec), tuple(rec.messages))


def _actors(rec: Recorder) -> tuple[Actor, ...]:
    keys: list[str] = []
    for m in rec.messages:
        for k in (m.src, m.dst):
            if k not in keys:
                keys.append(k)
    services = {s.service_id: s.name for s in (rec.world.portal, rec.world.bank, rec.world.kiosk)}
    actors = []
    for key in keys:
        kind, _, name = key.partition(":")
        if kind == "phone":
            label = rec.phone_labels.get(name, Text(name, name))
        elif kind == "se":
            phone = rec.phone_labels.get(name, Text(name, name))
            short = Text(phone.ja.split(" (")[0], phone.en.split(" (")[0])
            label = (
                Text(f"{short.ja}の GP-SE", f"GP-SE of the {short.en}")
                if len(rec.phone_labels) > 1
                else Text("GP-SE (スマホの中)", "GP-SE (in the phone)")
            )
        elif kind == "service":
            label = services.get(name, Text(name, name))
        else:
            label = FIXED[kind]
        actors.append(Actor(key, kind, label))
    rank = {k: i for i, k in enumerate(ORDER)}
    rank["se"] = rank["phone"]  # each phone next to its own SE

    def place(a: Actor) -> tuple[int, int, int]:
        if a.kind in ("phone", "se"):
            return rank[a.kind], keys.index(f"phone:{a.key.partition(':')[2]}"), a.kind == "se"
        return rank[a.kind], keys.index(a.key), 0

    return tuple(sorted(actors, key=place))
