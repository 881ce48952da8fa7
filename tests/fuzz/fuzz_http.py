"""Generated and mutated HTTP requests against a real ``labkit jlis serve`` on loopback
(``make fuzz``). Counts answers by status class; a 5xx, a dropped connection or a dead
server is a finding. The server runs on the system clock (so ``POST /api/clock`` is refused:
the unbounded clock move is review finding F2, the class-mode issue's)."""

from __future__ import annotations

import base64
import http.client
import json
import random
from collections import Counter

PATHS_GET = ["/ca/sign.der", "/ca/auth.der", "/ca/x.der", "/crl/sign.crl", "/crl/auth.crl", "/crl/..%2f.crl",
             "/certs/{serial}.der", "/certs/zz.der", "/certs/{big}.der", "/demo", "/api/clock",
             "/api/status/{serial}", "/api/status/-1", "/api/status/{big}", "/api/devices/{device}",
             "/api/devices/%00", "/api/usage?serial={serial}", "/api/usage?holder_id=demo-1",
             "/api/usage?holder_id=%ED%A0%80", "/api/applications/{app}/registration?device_id={device}",
             "/ocsp/{b64}", "/ocsp/%%%", "/nope", "/../../etc/passwd"]
POST_JSON = {
    "/api/applications": {"device_id": "fuzz-phone", "se_id": "se-1", "kind": "new", "certificates": ["auth", "sign"],
                          "public_keys": {"auth": "AAAA"}, "card_certificate": "MIIB", "device_model": "Pixel 8",
                          "app_version": "54.0", "nonce": "AAAAAAAAAAAAAAAAAAAAAA==", "signature": ""},
    "/api/applications/card-found": {"device_id": "x", "kind": "card_found"},
    "/api/revocations": {"serial": "1f", "device_id": "x", "signature": "AA=="},
    "/api/hotline/loss": {"name": "見本\u3000花子", "birth_date": "1990-02-17", "item": "card"},
    "/api/usage": {"serial": "1f", "service": "bank", "detail": "login"},
    "/api/devices/{device}/poll": {},
    "/api/applications/{app}/confirm": {"device_id": "{device}"},
    "/api/counter/residents": {"name": "耐久\u3000太郎", "sex": 1, "birth_date": "1971-03-03",
                               "address": "東京都清瀬市中里５丁目８４２番地"},
    "/api/counter/residents/find": {"holder_id": "demo-1"},
    "/api/counter/card-loss": {"my_number": "123456789018"},
    "/api/counter/pin-reset": {"my_number": "123456789018", "card": {}, "role": "auth", "new_pin": "1234"},
    "/api/clock": {"advance_seconds": 60},
}
ODD = ["\ud800", "\udfff", "A" * 5000, "１２３", "<script>", "", None, True, -1, 10**30, 1e308, [], {}, "\x00"]


def _mutate(value: object, rng: random.Random, depth: int = 0) -> object:
    if isinstance(value, dict):
        out = {k: _mutate(v, rng, depth + 1) for k, v in value.items() if rng.random() > 0.1}
        if rng.random() < 0.1:
            out[rng.choice(["extra", "\ud800", "x" * 300])] = rng.choice(ODD)
        return out
    if isinstance(value, list):
        return [_mutate(v, rng, depth + 1) for v in value] + ([rng.choice(ODD)] if rng.random() < 0.1 else [])
    return rng.choice(ODD) if rng.random() < 0.25 else value


def _fill(text: str, ctx: dict[str, str]) -> str:
    for key, value in ctx.items():
        text = text.replace("{" + key + "}", value)
    return text


def request(rng: random.Random, ctx: dict[str, str], ocsp_requests: list[bytes]) -> tuple[str, str, bytes, str]:
    """(method, path, body, content type) of one generated request."""
    kind = rng.random()
    if kind < 0.3:
        return "GET", _fill(rng.choice(PATHS_GET), ctx), b"", ""
    if kind < 0.45:
        body = bytearray(rng.choice(ocsp_requests))
        for _ in range(rng.randint(0, 3)):
            if body:
                body[rng.randrange(len(body))] ^= 1 << rng.randrange(8)
        if rng.random() < 0.3:
            encoded = base64.b64encode(bytes(body)).decode()
            return "GET", "/ocsp/" + rng.choice([encoded, encoded.replace("/", "%2F")]), b"", ""
        return "POST", "/ocsp", bytes(body), rng.choice(["application/ocsp-request"] * 4 + ["text/plain"])
    key = rng.choice(list(POST_JSON))
    path, template = _fill(key, ctx), json.loads(_fill(json.dumps(POST_JSON[key]), ctx))
    choice = rng.random()
    if choice < 0.6:
        text = json.dumps(_mutate(template, rng), ensure_ascii=rng.random() < 0.5)
    elif choice < 0.7:
        depth = rng.choice([10, 33, 500, 1500, 100000])
        text = "[" * depth + "]" * rng.choice([0, depth])
    elif choice < 0.8:
        text = json.dumps(template)[: rng.randint(0, 40)]
    else:
        raw = json.dumps(template).encode()
        text = "".join(chr(b ^ (1 << rng.randrange(8))) if rng.random() < 0.05 else chr(b) for b in raw)
    ctype = rng.choice(["application/json"] * 8 + ["text/plain", "application/json; charset=utf-8"])
    body = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.02:
        body = b"x" * (300 * 1024)  # over the 256 KiB limit
    return rng.choice(["POST"] * 19 + ["PUT"]), path, body, ctype


def run(port: int, count: int, seed: int, ctx: dict[str, str], ocsp_requests: list[bytes]) -> Counter[str]:
    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        method, path, body, ctype = request(rng, ctx, ocsp_requests)
        headers = {"content-type": ctype} if ctype else {}
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            response.read()
            tally[f"{response.status // 100}xx"] += 1
            if response.status >= 500:
                tally[f"5xx {method} {path.split('?')[0][:40]}"] += 1
            if response.getheader("connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        except (OSError, http.client.HTTPException) as exc:
            tally["connection errors"] += 1
            tally[f"error {type(exc).__name__}"] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        tally["requests"] += 1
    conn.close()
    return tally
