"""Certificate viewer: any X.509 certificate with its fields explained (発行者, 主体者,
有効期間 in JST, 鍵用途, 証明書ポリシー, 基本4情報), its status (有効 / 一時保留 / 失効 /
期限切れ) from a status source, the chain up to the lab root, and the PEM on demand.

Notebook use::

    CertificateViewer(cert, status=world.jlis, anchors=jpki.anchors, lang=ctx.lang)

``status`` may be anything with ``status(serial) -> CertificateStatus`` (:class:`Jpki`, a
:class:`~labkit.jlis.JlisApi`), a revocation checker with ``check(cert, issuer)``, or None
(then only the validity period is judged).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ..clock import Clock
from ..errors import LabkitError
from ..i18n import Text
from ..pki import CertState, basic_attributes_of, profile_of
from ..pki.verify import find_issuer
from ._base import ViewMixin, default_clock, error_text, esc, fmt_jst, resolve_lang
from ._cert_text import NOT_YET_VALID, STATE_LABELS, basic_rows, key_usage_text, policy_text, sex_text

__all__ = ["CertField", "CertStatusInfo", "CertificateModel", "CertificateViewer", "ChainLink", "load_certificate"]


def load_certificate(value: x509.Certificate | bytes | str) -> x509.Certificate:
    """A certificate from a cryptography object, DER bytes or PEM text/bytes."""
    if isinstance(value, x509.Certificate):
        return value
    raw = value.encode("ascii") if isinstance(value, str) else bytes(value)
    if raw.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(raw)
    return x509.load_der_x509_certificate(raw)


@dataclass(frozen=True, slots=True)
class CertField:
    """One line of the viewer: ``label``: ``value`` — ``note`` (what it means)."""

    key: str
    label: Text
    value: Text
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class CertStatusInfo:
    """The verdict shown in the badge: ``state`` is a :class:`CertState` value or
    ``"not_yet_valid"``; ``checked`` says whether a revocation source answered."""

    state: str
    label: Text
    detail: Text | None
    checked: bool


@dataclass(frozen=True, slots=True)
class ChainLink:
    certificate: x509.Certificate
    role: Text
    anchor: bool


def _extension(cert: x509.Certificate, kind: type[Any]) -> Any:
    """The value of the extension of class ``kind``, or None when the certificate has none."""
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


class CertificateModel:
    """Everything the viewer shows, computed from the certificate and the sources."""

    def __init__(self, certificate: x509.Certificate | bytes | str, *, status: Any = None,
                 anchors: Sequence[x509.Certificate | bytes] | None = None,
                 intermediates: Sequence[x509.Certificate | bytes] = (), clock: Clock | None = None,
                 lang: str | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.cert = load_certificate(certificate)
        self.source = status
        self.clock = clock or default_clock()
        if anchors is None:
            anchors = _anchors_of(status)
        self.anchors = [load_certificate(a) for a in anchors]
        self.intermediates = [load_certificate(c) for c in intermediates]
        self.profile = profile_of(self.cert)

    # -- fields -------------------------------------------------------------------------------
    def _kind(self) -> Text:
        if self.profile is not None:
            return self.profile.label
        constraints = _extension(self.cert, x509.BasicConstraints)
        if constraints is not None and constraints.ca:
            return Text("認証局 (CA) の証明書", "a certification authority (CA) certificate")
        return Text("JPKI 以外の証明書", "a certificate outside JPKI")

    def fields(self) -> list[CertField]:
        c = self.cert
        start, end = c.not_valid_before_utc, c.not_valid_after_utc
        days = (end - self.now()).days
        remain = (Text(f"残り {days} 日", f"{days} days left") if days >= 0
                  else Text(f"{-days} 日前に満了", f"ended {-days} days ago"))
        period_note = Text(f"日本時間 (JST)。{remain.ja}", f"Japan time (JST). {remain.en}")
        if self.profile is not None:
            period_note = Text(f"発行後5回目の誕生日 (の 23:59:59) まで。{period_note.ja}",
                               f"until the 5th birthday after issuance (23:59:59). {period_note.en}")
        out = [
            CertField("kind", Text("種類", "Kind"), self._kind()),
            CertField("issuer", Text("発行者", "Issuer"), _plain(c.issuer.rfc4514_string()),
                      Text("この証明書に署名した認証局", "the certification authority that signed it")),
            CertField("subject", Text("主体者", "Subject"), _plain(c.subject.rfc4514_string()),
                      self._subject_note()),
            CertField("serial", Text("シリアル番号", "Serial number"), _plain(f"{c.serial_number:X}"),
                      Text("発行者が付けた番号。失効の確認に使います",
                           "the issuer's number; used to check revocation")),
            CertField("validity", Text("有効期間", "Validity"),
                      _plain(f"{fmt_jst(start)} 〜 {fmt_jst(end)}"), period_note),
            CertField("public_key", Text("公開鍵", "Public key"), _plain(_key_text(c))),
            CertField("key_usage", Text("鍵用途", "Key usage"), *key_usage_text(c)),
            CertField("policies", Text("証明書ポリシー", "Certificate policies"), *policy_text(c, self.profile)),
        ]
        out += self._personal_fields()
        out += self._pointer_fields()
        fingerprint = hashlib.sha256(c.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
        out.append(CertField("fingerprint", Text("SHA-256 フィンガープリント", "SHA-256 fingerprint"),
                             _plain(fingerprint), Text("証明書全体のハッシュ値", "a hash of the whole certificate")))
        return out

    def _subject_note(self) -> Text | None:
        if self.profile is None:
            return None
        if self.profile.basic_attributes:
            return Text("C=国、L=都道府県・市区町村、CN=個人を特定しない番号。氏名などは下の基本4情報にあります",
                        "C=country, L=prefecture and municipality, CN=a number that says nothing about the "
                        "person; name etc. are in the basic attributes below")
        return Text("C=JP と個人を特定しない番号 (CN) だけ。個人情報は入っていません",
                    "only C=JP and a number (CN) that says nothing about the person: no personal data")

    def _personal_fields(self) -> list[CertField]:
        label = Text("基本4情報", "Four basic attributes")
        try:
            attrs = basic_attributes_of(self.cert)
        except LabkitError as exc:
            return [CertField("basic", label, error_text(exc))]
        if attrs is not None:
            return [CertField(f"basic_{key}", name, value, note) for key, name, value, note in basic_rows(attrs)] + [
                CertField("basic_sex", Text("性別", "Sex"), sex_text(attrs.sex))]
        if self.profile is not None and not self.profile.basic_attributes:
            return [CertField("basic", label, Text("記録されていません", "not recorded"),
                              Text("利用者証明用電子証明書には氏名・住所などの個人情報は入っていません。"
                                   "ログインした人が本人であることだけを証明します",
                                   "a user-authentication certificate carries no personal data: it only "
                                   "proves that the person logging in is the holder"))]
        san = _extension(self.cert, x509.SubjectAlternativeName)
        names = san.get_values_for_type(x509.DNSName) if san is not None else []
        if names:
            return [CertField("dns", Text("サブジェクト代替名 (DNS 名)", "Subject alternative names (DNS)"),
                              _plain(", ".join(names)),
                              Text("接続先のホスト名と一致する必要があります", "must equal the host you connected to"))]
        return []

    def _pointer_fields(self) -> list[CertField]:
        urls = [f"CRL: {n.value}" for point in _extension(self.cert, x509.CRLDistributionPoints) or ()
                for n in point.full_name or [] if isinstance(n, x509.UniformResourceIdentifier)]
        urls += [f"OCSP: {access.access_location.value}"
                 for access in _extension(self.cert, x509.AuthorityInformationAccess) or ()
                 if access.access_method.dotted_string == "1.3.6.1.5.5.7.48.1"]
        if not urls:
            return []
        return [CertField("revocation_info", Text("失効情報の確認先", "Where revocation is published"),
                          _plain(" / ".join(urls)),
                          Text("失効リスト (CRL) と OCSP で、失効・一時保留を確かめられます",
                               "the CRL and OCSP tell whether it is revoked or on hold"))]

    # -- status -------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def issuer(self) -> x509.Certificate | None:
        return find_issuer(self.cert, [*self.intermediates, *self.anchors])

    def status(self) -> CertStatusInfo:
        """Revoked and held win over expired (as J-LIS reports them)."""
        c, now = self.cert, self.now()
        state, detail, checked = None, None, False
        try:
            answer = self._ask_source()
        except LabkitError as exc:
            answer, detail = None, error_text(exc)
        if answer is not None:
            checked = True
            state = CertState(answer.state)
            reason = getattr(answer, "reason", None)
            when = getattr(answer, "revoked_at", None)
            if state in (CertState.HELD, CertState.REVOKED):
                parts = [reason.label] if reason is not None else []
                parts += [_plain(fmt_jst(when))] if when is not None else []
                if parts:
                    detail = Text("、".join(p.ja for p in parts), ", ".join(p.en for p in parts))
                return CertStatusInfo(state.value, STATE_LABELS[state.value], detail, True)
            if state is CertState.UNKNOWN:
                return CertStatusInfo(state.value, STATE_LABELS[state.value],
                                      Text("この認証局の記録にない証明書です", "the CA has no record of it"), True)
        if now > c.not_valid_after_utc:
            return CertStatusInfo(CertState.EXPIRED.value, STATE_LABELS[CertState.EXPIRED.value],
                                  Text(f"{fmt_jst(c.not_valid_after_utc)} に満了",
                                       f"ended {fmt_jst(c.not_valid_after_utc)}"),
                                  checked)
        if now < c.not_valid_before_utc:
            return CertStatusInfo(NOT_YET_VALID, STATE_LABELS[NOT_YET_VALID], None, checked)
        if detail is None and not checked:
            detail = Text("失効・一時保留は確認していません (有効期間のみ)",
                          "revocation and hold were not checked (validity period only)")
        return CertStatusInfo(CertState.GOOD.value, STATE_LABELS[CertState.GOOD.value], detail, checked)

    def _ask_source(self) -> Any:
        source = self.source
        if source is None:
            return None
        if hasattr(source, "check"):
            issuer = self.issuer()
            return None if issuer is None else source.check(self.cert, issuer)
        if hasattr(source, "status"):
            return source.status(self.cert.serial_number)
        if callable(source):
            return source(self.cert)
        raise TypeError("status must have status(serial) or check(cert, issuer), or be callable")

    # -- chain --------------------------------------------------------------------------------
    def chain(self) -> list[ChainLink]:
        """From the certificate up to a lab anchor (or as far as issuers are known)."""
        links = [ChainLink(self.cert, Text("この証明書", "this certificate"), self._is_anchor(self.cert))]
        pool = [*self.intermediates, *self.anchors]
        current = self.cert
        for _ in range(6):
            if links[-1].anchor or (current.issuer == current.subject and find_issuer(current, [current])):
                break
            issuer = find_issuer(current, pool)
            if issuer is None:
                break
            anchor = self._is_anchor(issuer)
            role = (Text("ルート証明書 (信頼の起点)", "root certificate (trust anchor)") if anchor
                    else Text("中間認証局", "intermediate CA"))
            links.append(ChainLink(issuer, role, anchor))
            current = issuer
        return links

    def _is_anchor(self, cert: x509.Certificate) -> bool:
        return cert in self.anchors  # certificates are equal when their DER encodings are

    def trusted(self) -> bool:
        return self.chain()[-1].anchor

    def pem(self) -> str:
        return self.cert.public_bytes(serialization.Encoding.PEM).decode("ascii")

    # -- HTML ---------------------------------------------------------------------------------
    def fields_html(self) -> str:
        lang = self.lang
        rows = []
        for f in self.fields():
            note = (f'<div style="color:#6b7280;font-size:12px">{esc(f.note.get(lang))}</div>'
                    if f.note is not None else "")
            rows.append(f'<tr class="labkit-cert-field" data-field="{f.key}"><th style="text-align:left;'
                        f'white-space:nowrap;vertical-align:top">{esc(f.label.get(lang))}</th>'
                        f'<td style="word-break:break-all">{esc(f.value.get(lang))}{note}</td></tr>')
        return (f'<table class="labkit-cert-fields" lang="{lang}" cellpadding="4" '
                f'style="border-collapse:collapse;font-size:13px">{"".join(rows)}</table>')

    def status_html(self, info: CertStatusInfo | None = None) -> str:
        s = info or self.status()
        colours = {"good": ("#dcfce7", "#14532d"), "held": ("#fef3c7", "#78350f"),
                   "revoked": ("#fee2e2", "#7f1d1d"), "expired": ("#e5e7eb", "#374151")}
        bg, fg = colours.get(s.state, ("#e5e7eb", "#374151"))
        detail = f" — {esc(s.detail.get(self.lang))}" if s.detail is not None else ""
        return (f'<div class="labkit-cert-status labkit-cert-status-{s.state}" data-state="{s.state}" '
                f'lang="{self.lang}" style="background:{bg};color:{fg};padding:.3em .8em;border-radius:4px">'
                f"<b>{esc(s.label.get(self.lang))}</b>{detail}</div>")

    def chain_html(self) -> str:
        lang = self.lang
        items = []
        for link in reversed(self.chain()):
            c = link.certificate
            items.append(f'<li class="labkit-cert-chain-link" data-anchor="{str(link.anchor).lower()}">'
                         f"<b>{esc(link.role.get(lang))}</b>: {esc(c.subject.rfc4514_string())}"
                         f'<br><span style="color:#6b7280;font-size:12px">{esc(fmt_jst(c.not_valid_before_utc))}'
                         f" 〜 {esc(fmt_jst(c.not_valid_after_utc))}</span></li>")
        if self.trusted():
            verdict = Text("ラボのルート証明書までたどれました (信頼できる)", "chains to a lab root (trusted)")
            cls = "labkit-cert-chain-ok"
        else:
            verdict = Text("信頼できるルート証明書にたどり着けません", "does not chain to a trusted root")
            cls = "labkit-cert-chain-ng"
        return (f'<div class="labkit-cert-chain {cls}" lang="{lang}"><ol style="margin:.2em 0">{"".join(items)}</ol>'
                f"<b>{esc(verdict.get(lang))}</b></div>")


def _plain(value: str) -> Text:
    return Text(value, value)


def _key_text(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size} bit"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"ECDSA {key.curve.name}"
    return type(key).__name__


def _anchors_of(source: Any) -> list[x509.Certificate | bytes]:
    anchors = getattr(source, "anchors", None)
    if anchors is not None and not callable(anchors):
        return list(anchors)
    cas = getattr(source, "ca_certificates", None)
    if callable(cas):
        try:
            return list(cas().values())
        except LabkitError:
            return []
    return []


_LABELS = {
    "status": Text("状態", "Status"),
    "chain": Text("証明書チェーン", "Certificate chain"),
    "pem": Text("PEM を表示", "Show PEM"),
    "hide": Text("PEM を隠す", "Hide PEM"),
    "refresh": Text("状態を更新", "Refresh status"),
}


class CertificateViewer(ViewMixin):
    """Fields, status badge, chain, and a PEM toggle; ``refresh()`` re-asks the status."""

    def __init__(self, certificate: x509.Certificate | bytes | str, *, status: Any = None,
                 anchors: Sequence[x509.Certificate | bytes] | None = None,
                 intermediates: Sequence[x509.Certificate | bytes] = (), clock: Clock | None = None,
                 lang: str | None = None, title: Text | str | None = None) -> None:
        import ipywidgets as w

        self.model = CertificateModel(certificate, status=status, anchors=anchors, intermediates=intermediates,
                                      clock=clock, lang=lang)
        lang = self.model.lang
        heading = title.get(lang) if isinstance(title, Text) else (title or self.model._kind().get(lang))
        self.status = w.HTML(_dom_classes=("labkit-cert-status-box",))
        self.fields = w.HTML(self.model.fields_html(), _dom_classes=("labkit-cert-fields-box",))
        self.chain = w.HTML(_dom_classes=("labkit-cert-chain-box",))
        self.pem_button = w.ToggleButton(value=False, description=_LABELS["pem"].get(lang),
                                         _dom_classes=("labkit-cert-pem-toggle",))
        self.refresh_button = w.Button(description=_LABELS["refresh"].get(lang), _dom_classes=("labkit-cert-refresh",))
        self.pem = w.Textarea(value="", disabled=True, layout=w.Layout(width="44em", height="14em", display="none"),
                              _dom_classes=("labkit-cert-pem",))
        self.widget = w.VBox([
            w.HTML(f"<b>{esc(heading)}</b>"), self.status, self.fields,
            w.HTML(f"<b>{esc(_LABELS['chain'].get(lang))}</b>"), self.chain,
            w.HBox([self.refresh_button, self.pem_button]), self.pem], _dom_classes=("labkit-cert",))
        self.pem_button.observe(self._on_pem, names="value")
        self.refresh_button.on_click(lambda _b: self.refresh())
        self.refresh()

    def refresh(self) -> CertStatusInfo:
        """Ask the status source again (after a hold, a revocation, or moving the clock)."""
        info = self.model.status()
        self.status.value = self.model.status_html(info)
        self.chain.value = self.model.chain_html()
        return info

    def _on_pem(self, change: dict[str, Any]) -> None:
        shown = bool(change["new"])
        lang = self.model.lang
        self.pem.value = self.model.pem() if shown else ""
        self.pem.layout.display = None if shown else "none"
        self.pem_button.description = (_LABELS["hide"] if shown else _LABELS["pem"]).get(lang)

