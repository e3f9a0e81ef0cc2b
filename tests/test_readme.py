"""The README opens with the two commands, and .ci/run runs exactly the second one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _first_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", readme, flags=re.S)[:2]


def test_readme_opens_with_demo_and_test_commands():
    demo, tests = _first_commands()
    assert "pip install ." in demo and "caretag label data/sample_archive.csv" in demo and "caretag report" in demo
    assert 'pip install -e ".[test]"' in tests and "pytest" in tests
    assert "\n" not in demo.strip() and "\n" not in tests.strip()


def test_ci_runs_the_readme_test_command_and_fails_on_no_tests():
    _, tests = _first_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests.strip() in ci
    assert re.search(r'"\$status" -eq 5 \]; then\s+echo .*\n\s+exit 1', ci)
