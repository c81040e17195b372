"""The scheduling examples in deploy/ parse, and run newsprep the way docs/operations.md
says: the Kubernetes manifest as YAML, the systemd units with their required sections."""

import configparser
import shutil
import subprocess
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_the_cronjob_is_valid_yaml_running_newsprep():
    job = yaml.safe_load((DEPLOY / "cronjob.yaml").read_text())
    assert job["kind"] == "CronJob" and job["spec"]["concurrencyPolicy"] == "Forbid"
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"][0] == "run"
    assert "--log-format" in container["args"]


def test_the_systemd_units_parse():
    service = configparser.ConfigParser(strict=True, interpolation=None)
    service.read(DEPLOY / "newsprep.service")
    assert service["Service"]["ExecStart"].split()[1] == "run"
    assert set(service["Service"]["SuccessExitStatus"].split()) == {"3", "130", "143"}
    timer = configparser.ConfigParser(strict=True, interpolation=None)
    timer.read(DEPLOY / "newsprep.timer")
    assert timer["Timer"]["OnCalendar"]
    if shutil.which("systemd-analyze"):
        done = subprocess.run(
            ["systemd-analyze", "verify", "--man=no", str(DEPLOY / "newsprep.timer")],
            capture_output=True,
            text=True,
        )
        # The service's binary path does not exist on a test machine; syntax errors would
        # be reported as "Unknown section" or "Invalid" lines.
        assert "Unknown section" not in done.stderr and "Invalid" not in done.stderr
