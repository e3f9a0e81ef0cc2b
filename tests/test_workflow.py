"""The data scientist's loop: evaluation, highlighting, label issues, uncertainty sampling, thresholds."""
import numpy as np
import pytest

import caretag
from caretag import CareClassifier, choose_threshold, evaluate, evaluate_by_group, find_label_issues, highlight
from caretag.highlight import split_sentences
from caretag.quality import suggest_for_labelling

MIXED = ("Halo Bu Rina, pembayaran tagihan bulan ini sudah kami terima dan status akun sudah aktif kembali. "
         "Nomor referensinya REF-88231. "
         "Karena tagihan Ibu tiga bulan berturut-turut telat, saya sarankan mengaktifkan autodebet tanggal 25 "
         "dan saya akan menelepon Ibu minggu depan untuk memastikan autodebetnya berjalan. "
         "Terima kasih, semoga harinya menyenangkan.")


def test_load_corpus_splits(corpus, train_split, test_split):
    assert len(train_split) + len(test_split) == len(corpus)
    assert set(corpus.labels) == {"service", "care"}
    assert {"id", "domain", "register", "channel", "difficulty", "split"} <= set(corpus.meta[0])
    with pytest.raises(caretag.DataError):
        caretag.datasets.load_corpus("validation")


def test_evaluate_report(fitted_model, test_split):
    report = evaluate(fitted_model, test_split.texts, test_split.labels)
    data = report.as_dict()
    assert data["n"] == len(test_split.texts)
    assert sum(map(sum, data["confusion"]["matrix"])) == len(test_split.texts)
    recomputed = np.mean([row["f1"] for row in data["per_class"].values()])
    assert data["macro_f1"] == pytest.approx(recomputed)
    assert "macro-F1" in str(report) and "care" in str(report)


def test_evaluate_by_group_holds_each_group_out(train_split):
    texts, labels = train_split.texts[:600], train_split.labels[:600]
    groups = [m["domain"] for m in train_split.meta[:600]]
    report = evaluate_by_group(CareClassifier(char_ngrams=None, calibration_cv=3), texts, labels, groups)
    assert set(report.by_group) == set(groups)
    assert sum(row["n"] for row in report.by_group.values()) == 600


def test_highlight_puts_the_care_sentence_on_top():
    sentences = highlight(MIXED)
    assert len(sentences) == 4
    assert "autodebet" in sentences[0].sentence and sentences[0].care_score > 0.5
    assert all(s.care_score < sentences[0].care_score for s in sentences[1:])
    assert MIXED[sentences[0].start:sentences[0].end].strip() == sentences[0].sentence


def test_sentence_split_keeps_abbreviations_together():
    spans = split_sentences("Yth. Bpk. Andi, dana Rp. 50.000 sudah masuk. Terima kasih!\nSalam")
    assert len(spans) == 3


def test_flipped_labels_rank_near_the_top(train_split):
    texts, labels = list(train_split.texts[:700]), list(train_split.labels[:700])
    rng = np.random.default_rng(7)
    flipped = rng.choice(len(texts), size=5, replace=False)
    for i in flipped:
        labels[i] = "service" if labels[i] == "care" else "care"
    issues = find_label_issues(texts, labels, estimator=CareClassifier(char_ngrams=None, calibration_cv=3), cv=5)
    top20 = {issue.index for issue in issues[:20]}
    assert len(top20 & set(flipped.tolist())) >= 3
    assert all(issue.given != issue.suggested for issue in issues)


def test_suggest_for_labelling_picks_uncertain_replies(fitted_model, test_split):
    pool = test_split.texts + test_split.texts[:10] + ["", "  "]
    picks = suggest_for_labelling(pool, 15, model=fitted_model)
    assert len(picks) == 15 and len({p.text for p in picks}) == 15
    distances = np.abs(fitted_model.care_score(test_split.texts) - fitted_model.threshold)
    assert max(abs(p.care_score - fitted_model.threshold) for p in picks) <= np.sort(distances)[14] + 1e-12


def test_choose_threshold_reaches_precision_and_is_saved(fitted_model, test_split, tmp_path):
    import pickle

    choice = choose_threshold(fitted_model, test_split.texts, test_split.labels, min_precision=0.97)
    assert choice.precision >= 0.97 and 0 < choice.recall <= 1
    model = pickle.loads(pickle.dumps(fitted_model)).set_params(threshold=choice.threshold)
    predicted = model.predict(test_split.texts)
    truth = np.array(test_split.labels)
    assert (truth[predicted == "care"] == "care").mean() >= 0.97
    model.save(tmp_path)
    assert caretag.load_model(tmp_path).threshold == choice.threshold
    assert caretag.load_scorer(tmp_path).threshold == choice.threshold
