"""scripts/install-system-packages.sh: apt-get directly as root, through sudo otherwise.

The commands it runs are replaced by stand-ins on a PATH that holds nothing else, so the test
sees what the script would run for root without sudo, a user with sudo, and a user without.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "install-system-packages.sh"


def run_as(tmp_path, uid, with_sudo, with_apt=True):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "log"
    stand_ins = {"id": f'echo {uid}', "env": f'echo "env $*" >> {log}; shift; "$@"'}
    if with_apt:
        stand_ins["apt-get"] = f'echo "apt-get $*" >> {log}'
    if with_sudo:
        stand_ins["sudo"] = f'echo "sudo $1" >> {log}; "$@"'
    for name, body in stand_ins.items():
        path = bin_dir / name
        path.write_text(f"#!{shutil.which('sh')}\n{body}\n")
        path.chmod(0o755)
    result = subprocess.run([shutil.which("sh"), str(SCRIPT), "xvfb"], capture_output=True,
                            text=True, env={"PATH": str(bin_dir)}, check=False)
    return result, (log.read_text().splitlines() if log.exists() else [])


def test_root_without_sudo_runs_apt_get_itself(tmp_path):
    result, calls = run_as(tmp_path, 0, with_sudo=False)
    assert result.returncode == 0, result.stderr
    assert not any(c.startswith("sudo") for c in calls)
    assert calls[0] == "env DEBIAN_FRONTEND=noninteractive apt-get update -qq"
    install = next(c for c in calls if c.startswith("apt-get install"))
    for package in ("python3-venv", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
                    "libxkbcommon-x11-0", "fonts-dejavu-core", "xvfb"):
        assert f" {package}" in install


def test_a_user_goes_through_sudo(tmp_path):
    result, calls = run_as(tmp_path, 1000, with_sudo=True)
    assert result.returncode == 0, result.stderr
    assert [c for c in calls if c.startswith("sudo")] == ["sudo env", "sudo env"]
    assert any(c.startswith("apt-get install") for c in calls)


def test_a_user_without_sudo_is_told_what_to_do(tmp_path):
    result, calls = run_as(tmp_path, 1000, with_sudo=False)
    assert result.returncode == 1 and calls == []
    assert "needs root" in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="a POSIX shell script")
def test_without_apt_get_it_lists_the_packages_and_carries_on(tmp_path):
    result, calls = run_as(tmp_path, 0, with_sudo=False, with_apt=False)
    assert result.returncode == 0 and calls == []
    assert "libxcb-cursor0" in result.stderr
