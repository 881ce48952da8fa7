"""deploy/ for 500 students: the Zero to JupyterHub values, the images and the class J-LIS
manifest agree with each other and with labkit; against the chart's own values schema when
the chart is at hand (Z2JH_CHART_DIR: a `helm pull jupyterhub/jupyterhub --untar` folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from labkit import hub

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def _values() -> dict:
    return yaml.safe_load((DEPLOY / "z2jh-values.yaml").read_text(encoding="utf-8"))


def _mb(quantity: str) -> float:
    number, unit = re.fullmatch(r"(\d+(?:\.\d+)?)([MG]i?)", quantity).groups()
    return float(number) * {"M": 1e6, "Mi": 2**20, "G": 1e9, "Gi": 2**30}[unit] / 2**20


def test_the_hub_uses_the_class_code_authenticator_with_codes_from_a_secret() -> None:
    values = _values()
    assert values["hub"]["config"]["JupyterHub"]["authenticator_class"] == "labkit.hub.ClassCodeAuthenticator"
    env = values["hub"]["extraEnv"]
    assert set(env) == {"LABKIT_CLASS_CODE", "LABKIT_LECTURER_TOKEN"}
    assert all("secretKeyRef" in e["valueFrom"] for e in env.values())  # no code in the repository
    assert hasattr(hub, values["hub"]["config"]["JupyterHub"]["authenticator_class"].rsplit(".", 1)[1])


def test_limits_culling_and_the_class_jlis_service_are_set() -> None:
    values = _values()
    memory = values["singleuser"]["memory"]
    assert _mb(memory["guarantee"]) <= _mb(memory["limit"])
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0
    docs = list(yaml.safe_load_all((DEPLOY / "k8s" / "jlis.yaml").read_text(encoding="utf-8")))
    service = next(d for d in docs if d["kind"] == "Service")
    url = values["singleuser"]["extraEnv"]["LABKIT_JLIS"]
    assert url == f"http://{service['metadata']['name']}:{service['spec']['ports'][0]['port']}"
    deployment = next(d for d in docs if d["kind"] == "Deployment")
    command = deployment["spec"]["template"]["spec"]["containers"][0]["command"]
    assert command[:5] == ["python", "-m", "labkit", "jlis", "serve"]
    # reachable from every student's pod, so class mode (tokens, ownership), codes from the secret
    assert "--class" in command
    env = {e["name"]: e["valueFrom"]["secretKeyRef"]["name"]
           for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env == {"LABKIT_CLASS_CODE": "labkit-class", "LABKIT_LECTURER_TOKEN": "labkit-class"}
    # students' pages get the class code, never the lecturer token
    assert "LABKIT_CLASS_CODE" in values["singleuser"]["extraEnv"]
    assert "LABKIT_LECTURER_TOKEN" not in values["singleuser"]["extraEnv"]


def test_make_hub_runs_the_class_jlis_in_class_mode(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from types import SimpleNamespace

    monkeypatch.setenv("LABKIT_CLASS_CODE", "C0DE42")
    monkeypatch.setenv("LABKIT_LECTURER_TOKEN", "lecturer-secret")
    spawner = SimpleNamespace()
    c = SimpleNamespace(JupyterHub=SimpleNamespace(), ConfigurableHTTPProxy=SimpleNamespace(),
                        SimpleLocalProcessSpawner=SimpleNamespace(), Spawner=spawner)
    hub.configure(c, state=tmp_path)
    jlis = next(s for s in c.JupyterHub.services if s["name"] == "jlis")
    assert "--class" in jlis["command"]
    assert jlis["environment"] == {"LABKIT_CLASS_CODE": "C0DE42", "LABKIT_LECTURER_TOKEN": "lecturer-secret"}
    assert spawner.environment["LABKIT_CLASS_CODE"] == "C0DE42"
    assert "lecturer-secret" not in repr(spawner.environment)


def test_the_images_run_what_make_hub_runs() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["python", "-m", "labkit.hub", "singleuser"]' in dockerfile
    assert {"singleuser", "hub"} <= set(re.findall(r"^FROM \S+ AS (\w+)$", dockerfile, re.M))
    values = _values()
    assert values["singleuser"]["cmd"] is None  # keep the image's CMD
    assert values["singleuser"]["image"]["name"].endswith("labkit-singleuser")
    assert values["hub"]["image"]["name"].endswith("labkit-hub")


def _merge(base, override):
    if isinstance(base, dict) and isinstance(override, dict):
        return {**base, **{k: _merge(base.get(k), v) if k in base else v for k, v in override.items()}}
    return override


@pytest.mark.skipif(not os.environ.get("Z2JH_CHART_DIR"),
                    reason="the chart's values.schema.json comes with the Helm chart only (a Helm "
                           "repository, not a package registry reachable here): set Z2JH_CHART_DIR")
def test_values_pass_the_charts_published_schema() -> None:
    import json

    import jsonschema

    chart = Path(os.environ["Z2JH_CHART_DIR"])
    schema = json.loads((chart / "values.schema.json").read_text(encoding="utf-8"))
    merged = _merge(yaml.safe_load((chart / "values.yaml").read_text(encoding="utf-8")), _values())
    errors = [f"{list(e.path)}: {e.message}" for e in jsonschema.Draft7Validator(schema).iter_errors(merged)]
    assert errors == []
    misspelt = _merge(merged, {"singleuser": {"memory": {"limt": "1G"}}})
    assert list(jsonschema.Draft7Validator(schema).iter_errors(misspelt))  # the check can fail
