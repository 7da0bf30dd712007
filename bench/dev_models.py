"""Dev bench for the named-model finder and the domain judgement.

Runs :func:`extractors.model_names.find_model_names` and
:func:`extractors.domains.classify_domain` over the seed and dev articles in
``../shared``, writes a prediction JSONL (models only; unit and province left
null) and scores it with the reference ``score.py``, per set and overall.

    .venv/bin/python bench/dev_models.py [--errors] [--splitter plain|underthesea] [--out PATH]

The cleaner (``corpus.clean``) is not used: the texts get the character
normalisation of ``corpus.normalize`` (or a light stand-in when it is absent)
and the page furniture after "Có thể bạn quan tâm" and the like is cut here.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
sys.path.insert(0, str(REPO))

from extractors.domains import classify_domain  # noqa: E402
from extractors.model_names import find_model_names, model_context, sentence_spans  # noqa: E402

SETS = {
    "seeds": (SHARED / "seeds", SHARED / "gold" / "seeds.jsonl"),
    "dev": (SHARED / "dev" / "articles", SHARED / "dev" / "gold.jsonl"),
}
_FURNITURE = re.compile(
    r"^(?:Có thể bạn quan tâm|Tin khác|Nên xem|Tin đã đưa|Tin liên quan|Xem thêm)\s*$", re.M
)


def _light_normalise(text: str) -> str:
    """Stand-in for corpus.normalize: NFC, curly quotes, dashes, tone placement."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    for old, new in (("uỷ", "ủy"), ("oà", "òa"), ("oá", "óa"), ("oạ", "ọa"), ("oả", "ỏa")):
        text = text.replace(old, new)
    text = re.sub(r'(^|[\s(\[-])"(?=\S)', "\\1\u201c", text, flags=re.M)
    text = text.replace('"', "\u201d").replace("\u2033", "\u201d")
    return text


def normalise(text: str) -> str:
    try:
        from corpus.normalize import normalize_text
    except ImportError:
        return _light_normalise(text)
    return normalize_text(text)


def cut_furniture(text: str) -> str:
    m = _FURNITURE.search(text)
    return text[: m.start()] if m else text


def splitter(name: str):
    if name == "underthesea":
        from underthesea import sent_tokenize

        def spans(text: str) -> list[tuple[int, int]]:
            out, pos = [], 0
            for line in text.split("\n"):
                for sent in sent_tokenize(line) if line.strip() else []:
                    i = text.find(sent, pos)
                    if i >= 0:
                        out.append((i, i + len(sent)))
                        pos = i + len(sent)
            return out

        return spans
    return sentence_spans


def predict(text: str, spans_of) -> list[dict]:
    sentences = spans_of(text)
    out = []
    for m in find_model_names(text, sentences):
        domain = classify_domain(m.name, model_context(text, sentences, m))
        out.append(
            {
                "name": m.name,
                "unit": None,
                "province": None,
                "domain": domain,
                "evidence": text[m.ev_start : m.ev_end],
            }
        )
    return out


def load_scorer():
    spec = importlib.util.spec_from_file_location("gold_score", SHARED / "gold" / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--splitter", choices=("plain", "underthesea"), default="plain")
    ap.add_argument("--out", type=Path, default=Path("/tmp/dvk_dev_models.jsonl"))
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"no shared data at {SHARED.resolve()}", file=sys.stderr)
        return 2
    scorer = load_scorer()
    spans_of = splitter(args.splitter)
    all_gold, all_pred = {}, {}
    for set_name, (folder, gold_path) in SETS.items():
        gold = scorer.load(gold_path)
        pred = {}
        for doc in sorted(gold):
            text = cut_furniture(normalise((folder / doc).read_text(encoding="utf-8")))
            pred[doc] = {"doc": doc, "stats": [], "units": [], "models": predict(text, spans_of)}
        res, errs = scorer.score(gold, pred, errors=args.errors)
        m = res["models"]
        print(
            f"{set_name:6s} models P={m['p']:.3f} R={m['r']:.3f} F1={m['f1']:.3f} "
            f"(gold {m['gold']}, pred {m['pred']}, tp {m['tp']}) acc_domain={m['acc_domain']:.3f}"
        )
        for e in errs:
            if " models" in e:
                print("   ", e)
        all_gold.update(gold)
        all_pred.update(pred)
    res, _ = scorer.score(all_gold, all_pred)
    m = res["models"]
    print(
        f"{'all':6s} models P={m['p']:.3f} R={m['r']:.3f} F1={m['f1']:.3f} "
        f"(gold {m['gold']}, pred {m['pred']}, tp {m['tp']}) acc_domain={m['acc_domain']:.3f}"
    )
    with args.out.open("w", encoding="utf-8") as f:
        for rec in all_pred.values():
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
