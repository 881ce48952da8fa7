"""2-5 機種変更: two phones, the 48-hour deletion window."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime
from functools import partial
from typing import Any

from ... import course
from ...i18n import Text
from ...widgets._base import esc, html_table
from ...world import World
from ..kit import (
    AppWatcher,
    InWorldLanguage,
    Lab,
    LabParams,
    attempt,
    box,
    caption,
    html_view,
    lab_model,
    lab_params,
    lab_phone,
    lab_world,
    listing,
    on_day,
    when_text,
)
from .shared import STATE_TEXT, Report, person_info, se_certificates

# =========================================================================== 2-5

OLD_PHONE = Text("旧スマホ (これまで使っていたスマホ)", "Old phone (registered)")
PREVIEW = Text("いま新しいスマホで申請した場合 (まだ申請していません)",
               "If you applied on the new phone now (not applied yet)")

class DeviceChange(InWorldLanguage):
    """2-5's model: the old phone (registered yesterday) and a new phone with the app
    installed; ``old_online`` False: the old phone is switched off (airplane mode) when the
    change starts. When the old phone was first online after the application, and what each
    phone holds. No widgets."""

    def __init__(self, p: LabParams, *, old_online: bool) -> None:
        self.world = lab_world(p, on_day(p.now, "09:00", days=-1))
        self.person = self.world.resident("sample")
        self.old = self.world.new_phone(self.person, name="old", model="Pixel 7")
        self.world.apply(self.person, self.old)
        self.world.advance_to(on_day(p.now, "10:00"))
        self.new = self.world.new_phone(self.person, name="new", model="Pixel 9")
        self.old.set_online(old_online)
        self.old_online_at: datetime | None = None
        self._watch = (AppWatcher(self.world, self.old), AppWatcher(self.world, self.new))

    def sync(self) -> bool:
        """The old phone, when online, fetches its pushes (and deletes on the deletion push);
        True if something either phone shows changed."""
        if self.old.online:
            self.old.sync()  # a push reaches an online phone at once
        changed = self._watch[0].changed() | self._watch[1].changed()
        receipt = self.new.mynaportal.data.receipt
        if receipt is not None and self.old_online_at is None and self.old.online:
            self.old_online_at = max(self.world.now(), receipt.applied_at)
        return changed

    def timeline(self) -> Any:
        from ...widgets import device_change_timeline

        receipt, now = self.new.mynaportal.data.receipt, self.world.now()
        if receipt is None:
            return replace(device_change_timeline(now, now=now), title=PREVIEW)
        return device_change_timeline(receipt.applied_at, old_online_at=self.old_online_at, now=now)

    def status_html(self) -> str:
        lang = self.lang
        rows = []
        for name, phone in ((Text("旧スマホ", "old phone"), self.old), (Text("新しいスマホ", "new phone"), self.new)):
            count = sum(se_certificates(phone).values())
            infos = self.world.jlis.device_status(phone.device_id).certificates
            states = sorted({STATE_TEXT[i.state].get(lang) for i in infos}) or ["—"]
            rows.append([name.get(lang), Text(f"{count} 枚", f"{count}").get(lang), listing(lang, states)])
        head = [Text("スマホ", "Phone").get(lang), Text("SE 内の証明書", "certificates in the SE").get(lang),
                Text("J-LIS での状態", "state at J-LIS").get(lang)]
        when = when_text(self.world.now()).get(lang)
        title = Text(f"{when} 現在", f"as of {when}").get(lang)
        return (f'<div class="labkit-lab-status" lang="{lang}"><b>{esc(title)}</b>'
                f"{html_table(head, rows, css='labkit-lab-phones-table')}</div>")


class DeviceChangeLab(Lab):
    """2-5's view over :class:`DeviceChange` (``model``): both phones' mock-ups, their
    certificates and the timeline of the 48-hour deletion window."""

    def __init__(self, model: DeviceChange) -> None:
        from ...widgets import Timeline

        self.model = m = model
        self.lang, self.world, self.person, self.old, self.new = m.lang, m.world, m.person, m.old, m.new
        self.timeline = Timeline(m.timeline, lang=m.lang)
        self.status = html_view("", "labkit-lab-status-box")
        self.old_mockup = lab_phone(self.old, lang=m.lang, on_change=self.update)
        self.new_mockup = lab_phone(self.new, card=self.person.card, advance=self.world.advance, lang=m.lang,
                                   on_change=self.update)
        self.old_mockup.model.mark_read()  # yesterday's registration push was read long ago
        self.old_mockup.redraw()
        self.update(force=True)
        old_box = box([html_view(caption(OLD_PHONE.get(m.lang)),
                              "labkit-lab-caption"), self.old_mockup], "labkit-lab-old-phone")
        new_box = box([html_view(caption(Text("新しいスマホ (マイナポータルアプリをインストール済み)",
                                            "New phone (Mynaportal app installed)").get(m.lang)), "labkit-lab-caption"),
                        self.new_mockup], "labkit-lab-new-phone")
        info = html_view(person_info(self.person, m.lang), "labkit-lab-info-box")
        scenario = "online" if self.old.online else "offline"
        self.widget = box([box([new_box, old_box], "labkit-lab-phones", row=True),
                            box([self.status, info], "labkit-lab-row", row=True), self.timeline],
                           f"labkit-lab labkit-lab-device-change labkit-lab-old-{scenario}")

    @property
    def old_online_at(self) -> datetime | None:
        return self.model.old_online_at

    def update(self, force: bool = False) -> None:
        if not hasattr(self, "status"):
            return
        if not (self.model.sync() or force):
            return
        self.status.value = self.model.status_html()
        self.timeline.refresh()
        for mockup in (getattr(self, "old_mockup", None), getattr(self, "new_mockup", None)):
            if mockup is not None and mockup.model.fingerprint() != getattr(mockup, "_lab_seen", None):
                mockup._lab_seen = mockup.model.fingerprint()
                mockup.redraw()


def device_change(ctx: course.Context | None = None, *, old_online: bool = True) -> DeviceChangeLab:
    """2-5: change to a new phone; the old phone online (deletes by itself) or switched off
    (``old_online=False``: bring it back after 48 hours and see what stays); ``lab.model``
    (:class:`DeviceChange`) drives it without widgets."""
    return DeviceChangeLab(lab_model(DeviceChange, lab_params(ctx), old_online=old_online))


def device_change_outcomes(ctx: course.Context | None = None) -> Report:
    """2-5, both cases to the end with the real objects: the old phone online during the
    change, and the old phone offline until 49 hours later. Run in the kernel (no class
    J-LIS), the outcome depends only on the simulated time and the seed: it is worked out
    once per kernel, by a preheated kernel while it waits for its student (labkit.preheat),
    and shown in the page's language."""
    p = lab_params(ctx)
    if course.current().in_class:  # the student's own world, or counted as a local lab
        world = lab_world(p, on_day(p.now, "09:00", days=-1))
        try:
            rows = _outcome_rows(world, p.now)
        finally:
            world.close()
    else:
        rows = local_outcome_rows(p.now, p.seed)
    return Report(Text("機種変更のあと、旧スマホはどうなるか", "After the device change: the old phone"),
                  (Text("旧スマホ", "Old phone"), Text("旧スマホの SE の証明書", "Certificates in its SE"),
                   Text("J-LIS での状態", "State at J-LIS"), Text("旧スマホでログイン", "Log in on the old phone")),
                  list(rows), notes=(Text("どちらの場合も、新しいスマホで申請した時点で"
                                          "旧スマホの証明書は失効しています。",
                                          "In both cases the old phone's certificates were revoked as soon as the "
                                          "new phone applied."),
                                     Text("48時間以内にネットワークにつながった旧スマホは、別の手続きなしで証明書を削除します。",
                                          "An old phone that comes online within 48 hours deletes them without any "
                                          "separate procedure.")),
                  lang=p.lang, css="labkit-lab-device-outcomes")


@functools.lru_cache(maxsize=4)
def local_outcome_rows(now: datetime, seed: int) -> tuple[tuple[Text, ...], ...]:
    """The outcome rows of a world in this kernel (the same for both languages)."""
    world = World.create(now=on_day(now, "09:00", days=-1), seed=seed, lang="ja")
    try:
        return _outcome_rows(world, now)
    finally:
        world.close()


def _outcome_rows(world: World, now: datetime) -> tuple[tuple[Text, ...], ...]:
    rows = []
    cases = ((Text("旧スマホの電源を入れ、ネットワークに接続したまま", "old phone on and online"), "sample", True),
             (Text("旧スマホの電源を切ったまま、49時間後に接続", "old phone off, online again 49 hours later"),
              "taro", False))
    started = []
    for label, key, online in cases:
        person = world.resident(key)
        old = world.new_phone(person, name=f"old-{key}")
        world.apply(person, old)
        started.append((label, person, old, online))
    world.advance_to(on_day(now, "10:00"))
    for _label, person, old, online in started:
        old.set_online(online)
        new = world.new_phone(person, name=f"new-{person.key}")
        world.apply(person, new, device_change=True)
    world.advance(hours=49)
    for label, person, old, _online in started:
        old.set_online(True)
        count = sum(se_certificates(old).values())
        states = {i.state for i in world.jlis.device_status(old.device_id).certificates}
        state = Text("、".join(sorted(STATE_TEXT[s].ja for s in states)),
                     ", ".join(sorted(STATE_TEXT[s].en for s in states)))
        se = Text("削除された (0 枚)", "deleted (0)") if count == 0 else \
            Text(f"残っている ({count} 枚)", f"still there ({count})")
        login = attempt(partial(world.login, old, pin=person.phone_pin))
        rows.append((label, se, state, login))
    return tuple(rows)


