"""The municipal counter over HTTP, across processes: a ``labkit jlis serve --now`` subprocess;
this test process is a notebook kernel in URL mode (a resident and a card from the server's
counter, a phone that applies, registers and logs in); a second client process sees the
certificates (status API and OCSP) and the usage history, then reports the card lost at the
counter — and this process's next login is refused as held."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable

import pytest
from jlis_server import REPO, ServerProcess

from labkit.errors import ServiceError
from labkit.municipality import CardState
from labkit.world import World

START = "2026-04-01T10:00:00+09:00"
pytestmark = pytest.mark.slow

OTHER_KERNEL = textwrap.dedent("""
    import json, sys
    from cryptography import x509
    from labkit.office.http import HttpJlis
    from labkit.municipality import ResidentQuery
    from labkit.office.http import HttpCounter
    from labkit.pki import CaKind, OcspChecker

    class ServerClock:
        def __init__(self, jlis): self.jlis = jlis
        def now(self): return self.jlis.now()

    url, my_number, serials = sys.argv[1], sys.argv[2], [int(s, 16) for s in sys.argv[3:]]
    jlis = HttpJlis(url)
    counter = HttpCounter(jlis)
    holder_id = counter.find_resident(ResidentQuery(my_number=my_number)).holder_id

    def states():
        out = {}
        for serial in serials:
            status = jlis.status(serial)
            cert = x509.load_der_x509_certificate(jlis.certificate(serial))
            kind = CaKind.SIGN if status.profile.endswith("sign") else CaKind.AUTH
            issuer = x509.load_der_x509_certificate(jlis.ca_certificates()[kind])
            checked = OcspChecker(jlis.ocsp, ServerClock(jlis)).check(cert, issuer)
            out[f"{serial:x}"] = [status.state.value, checked.state.value]
        return out

    before = states()
    history = [(e.kind.value, e.service) for e in jlis.usage_history(holder_id=holder_id)]
    receipt = counter.report_card_loss(my_number)
    print(json.dumps({"before": before, "history": history, "held": len(receipt.held),
                      "card_state": receipt.resident.card_state.value, "after": states()}))
""")


def other_kernel(url: str, my_number: str, *serials: int) -> dict:
    result = subprocess.run([sys.executable, "-c", OTHER_KERNEL, url, my_number, *(f"{s:x}" for s in serials)],
                            cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_a_card_from_the_counter_and_a_loss_seen_across_processes(
        jlis_server: Callable[..., ServerProcess]) -> None:
    server = jlis_server("--now", START)
    with World.create(jlis=server.url) as world:
        me = world.resident("sample")  # registered and personalised at the server, handed over here
        assert me.resident.card_state is CardState.ISSUED and me.card.jpki.certificate("sign") is not None
        phone = world.new_phone(me)
        world.apply(me, phone)
        world.login(phone, pin=me.phone_pin)
        serials = [c.serial for c in world.jlis.device_status(phone.device_id).certificates]
        assert len(serials) == 2

        seen = other_kernel(server.url, me.resident.my_number, *serials)
        assert sorted(map(tuple, seen["before"].values())) == [("good", "good"), ("good", "good")]
        kinds = [kind for kind, _ in seen["history"]]
        assert kinds[0] == "login" and {"card_issuance", "application", "issuance", "registration"} <= set(kinds)
        assert ("login", "mynaportal") in map(tuple, seen["history"])
        assert seen["held"] == 4 and seen["card_state"] == "lost"  # 2 on the card, 2 on the phone
        assert sorted(map(tuple, seen["after"].values())) == [("held", "held"), ("held", "held")]

        with pytest.raises(ServiceError) as refused:  # this kernel's next login
            world.login(phone, pin=me.phone_pin)
        assert refused.value.reason == "held"
        assert world.municipality.resident(me.resident.my_number).card_state is CardState.LOST
