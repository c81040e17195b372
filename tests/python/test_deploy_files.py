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


def test_the_nightly_jobs_run_incrementally():
    job = yaml.safe_load((DEPLOY / "cronjob.yaml").read_text())
    container = job["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert "--incremental" in container["args"]
    service = configparser.ConfigParser(strict=True, interpolation=None)
    service.read(DEPLOY / "newsprep.service")
    assert "--incremental" in service["Service"]["ExecStart"].split()


def test_the_indexed_job_runs_one_shard_per_index_and_the_merge_joins_them():
    job = yaml.safe_load((DEPLOY / "shards-job.yaml").read_text())
    spec = job["spec"]
    assert job["kind"] == "Job" and spec["completionMode"] == "Indexed"
    shards = spec["completions"]
    assert spec["parallelism"] == shards
    script = " ".join(spec["template"]["spec"]["containers"][0]["args"])
    assert f'--shard "${{JOB_COMPLETION_INDEX}}/{shards}"' in script
    merge = yaml.safe_load((DEPLOY / "merge-job.yaml").read_text())
    args = merge["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[0] == "merge"
    assert args[args.index("--output") + 1] in script


def test_the_slurm_scripts_parse_and_the_array_covers_every_shard():
    for name in ["newsprep-shards.sbatch", "slurm-submit.sh"]:
        done = subprocess.run(["bash", "-n", str(DEPLOY / name)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    sbatch = (DEPLOY / "newsprep-shards.sbatch").read_text()
    array = next(l for l in sbatch.splitlines() if l.startswith("#SBATCH --array="))
    first, last = array.split("=")[1].split("-")
    assert (int(first), int(last)) == (0, 3)
    assert '--shard "${SLURM_ARRAY_TASK_ID}/4"' in sbatch
    submit = (DEPLOY / "slurm-submit.sh").read_text()
    assert "afterok" in submit and "newsprep merge" in submit
