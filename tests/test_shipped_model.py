"""The shipped model: reproducible from data/, meets its targets, described by its card, found when installed."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import caretag
from caretag.card import README_END, README_START, metrics_table
from caretag.cli import main
from caretag.persistence import file_sha256, read_card

ROOT = Path(__file__).resolve().parent.parent
MODELS = ROOT / "models"


@pytest.fixture(scope="module")
def card():
    return read_card(MODELS)


def test_card_describes_the_shipped_files_and_data(card):
    assert card["model_sha256"] == file_sha256(MODELS / "model.pkl")
    assert card["scorer_sha256"] == file_sha256(MODELS / "scorer.npz")
    assert card["training_data"]["sha256"] == file_sha256(ROOT / "data" / "replies.csv")
    assert card["params"] == {k: (list(v) if isinstance(v, tuple) else v)
                              for k, v in caretag.CareClassifier().get_params().items()}
    assert (MODELS / "MODEL_CARD.md").read_text(encoding="utf-8").count(card["model_sha256"]) == 1


def test_card_metrics_meet_the_targets(card):
    metrics = card["metrics"]
    assert metrics["test"]["macro_f1"] >= 0.92
    assert metrics["test"]["per_class"]["care"]["precision"] >= 0.88
    assert metrics["leave_one_domain_out"]["mean_macro_f1"] >= 0.88
    assert len(metrics["leave_one_domain_out"]["by_group"]) >= 12


def test_card_test_metrics_are_reproduced_by_the_shipped_model(card, test_split):
    report = caretag.evaluate(caretag.load_model(), test_split.texts, test_split.labels)
    assert report.macro_f1 == pytest.approx(card["metrics"]["test"]["macro_f1"])


def test_readme_metrics_block_is_generated_from_the_card(card):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index(README_START) + len(README_START):readme.index(README_END)]
    assert block.strip() == metrics_table(card["metrics"]).strip()


def test_train_command_rebuilds_the_same_model(tmp_path, test_split):
    assert main(["train", str(ROOT / "data" / "replies.csv"), "--out", str(tmp_path), "--no-lodo"]) == 0
    rebuilt = caretag.load_scorer(tmp_path).care_score(test_split.texts)
    shipped = caretag.load_scorer(MODELS).care_score(test_split.texts)
    np.testing.assert_allclose(rebuilt, shipped, atol=1e-9)
    assert json.loads((tmp_path / "model_card.json").read_text())["metrics"]["test"]["macro_f1"] > 0.9


def test_checkout_or_editable_install_finds_the_models_folder():
    assert caretag.default_model_dir().resolve() == MODELS.resolve()


def test_installed_wheel_contains_and_finds_the_model(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(wheels.glob("caretag-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for member in ("caretag/_models/scorer.npz", "caretag/_models/model.pkl", "caretag/_models/model_card.json",
                   "caretag/_data/replies.csv", "caretag/_data/sample_archive.csv", "caretag/lexicon/slang.tsv"):
        assert member in names
    assert any(n.endswith("entry_points.txt") for n in names)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    code = ("import caretag; d = caretag.default_model_dir(); p = caretag.classify('Paket sudah dikirim ya');"
            "print(d); print(p.label); print(len(caretag.datasets.load_corpus('test')))")
    out = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {code}"],
                         cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert Path(out[0]).is_relative_to(site)
    assert out[1] in ("service", "care") and int(out[2]) > 400


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "caretag"
    if not script.exists():
        pytest.skip("caretag is not installed in this interpreter's environment")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"caretag {caretag.__version__}"
