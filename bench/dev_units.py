"""Score the units table of dvk's unit extractor with the reference scorer (score.py).

Sets: the five seeds and the 40 dev articles (``../shared``: seeds + dev = the development set), and
dvk's own invented sample corpus (``corpus/samples`` with its ``gold.jsonl``), which no rule was
tuned on first.  Texts go through ``corpus.clean`` like in the pipeline (``--light`` uses a light
stand-in instead: NFC, curly quotes, ``-`` dashes, modern tone placement).

Usage::

    python bench/dev_units.py [--errors] [--light]
    python bench/dev_units.py --show dA09          # mentions, context and signals of one document

Writes ``bench/out/dev_units.pred.jsonl`` (the development set's predictions) and prints score.py's
units line for each set.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import unicodedata
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
SAMPLES = ROOT / "corpus" / "samples"
sys.path.insert(0, str(ROOT))

from extractors.units import article_context, explain_units, participating_units  # noqa: E402

_TONES = re.compile(r"(?i)(uỷ|oà|oá|oạ|oả)(?![^\W\d_])")
_TONE_MAP = {"uỷ": "ủy", "oà": "òa", "oá": "óa", "oạ": "ọa", "oả": "ỏa"}


def _fix_case(old: str, new: str) -> str:
    return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new, strict=True))


def light_normalise(text: str) -> str:
    """NFC, curly double quotes, ASCII dashes, modern tone placement (stand-in for the corpus cleaner)."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("–", "-").replace("—", "-")
    text = _TONES.sub(lambda m: _fix_case(m.group(0), _TONE_MAP[m.group(0).lower()]), text)
    out, open_q = [], False
    for ch in text:
        if ch == '"':
            out.append("”" if open_q else "“")
            open_q = not open_q
        else:
            if ch == "\n":
                open_q = False
            out.append(ch)
    return "".join(out)


def load_score() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dvk_score", SHARED / "gold" / "score.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def dev_documents() -> list[tuple[str, str, Path]]:
    """(set name, doc, path) for the seeds and the dev articles."""
    docs = [("seeds", p.name, p) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    docs += [("dev", p.name, p) for p in sorted((SHARED / "dev" / "articles").glob("*.txt"))]
    return docs


def prepare(path: Path, light: bool = False) -> tuple[str, str | None]:
    """The article's cleaned text and title: corpus.clean when it is there, else the light stand-in."""
    raw = path.read_text(encoding="utf-8")
    if not light:
        try:
            from corpus.clean import clean_text
        except ImportError:  # pragma: no cover - before the corpus cleaner lands
            light = True
        else:
            cleaned = clean_text(raw)
            return cleaned.text, cleaned.title
    text = light_normalise(raw)
    return text, next((ln.strip() for ln in text.splitlines() if ln.strip()), None)


def units_of(text: str, title: str | None) -> list[dict]:
    return [u.as_dict(schema_only=True) for u in participating_units(text, article_context(text, title))]


def sample_predictions() -> dict[str, dict]:
    """Predictions for dvk's invented sample corpus, read and cleaned like the pipeline does."""
    from corpus.clean import clean_article
    from corpus.ingest import read_inputs

    pred: dict[str, dict] = {}
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix not in (".txt", ".html", ".jsonl") or path.name == "gold.jsonl":
            continue
        for raw in read_inputs(path):
            if not hasattr(raw, "text"):  # an IngestFailure
                continue
            art = clean_article(raw)
            doc = art.doc.rstrip("/").rsplit("/", 1)[-1]
            pred[doc] = {"doc": doc, "units": units_of(art.text, getattr(art, "title", None))}
    return pred


def show(doc: str, light: bool, gold: dict) -> None:
    path = next(p for _, d, p in dev_documents() if d.startswith(doc))
    text, title = prepare(path, light)
    ctx = article_context(text, title)
    print(
        f"province: {ctx.province} | main: {ctx.main_unit and ctx.main_unit.name} | sections: {ctx.sections}"
    )
    signals = {id(m): (pos, neg) for m, pos, neg in explain_units(text, ctx)}
    for m in ctx.mentions:
        flag = "*" if m.implicit else " "
        pos, neg = signals.get(id(m), ([], ["furniture"]))
        print(
            f"{m.start:6d} {flag} {m.type:9s} {m.name!r:50s} {m.province!s:12s} "
            f"<{m.written}> +{','.join(pos)} -{','.join(neg)}"
        )
    print("UNITS:", [u["name"] for u in units_of(text, title)])
    print("GOLD: ", [u["name"] for u in gold[path.name]["units"]])


def report(label: str, score: ModuleType, gold: dict, pred: dict, errors: bool) -> None:
    res, errs = score.score(gold, pred, errors=errors)
    u = res["units"]
    print(
        f"{label:7s} units P={u['p']:.3f} R={u['r']:.3f} F1={u['f1']:.3f} (gold {u['gold']}, pred {u['pred']}, "
        f"tp {u['tp']}) acc_type={u['acc_type']:.3f} acc_province={u['acc_province']:.3f}"
    )
    for e in errs:
        if re.search(r"\bunits\b", e):
            print("   ", e)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", action="store_true", help="print score.py's unit errors")
    ap.add_argument("--show", help="print the mentions, context and signals of one development document")
    ap.add_argument("--light", action="store_true", help="light normalisation instead of corpus.clean")
    args = ap.parse_args(argv)
    if not SHARED.exists():
        print(f"no development data at {SHARED}", file=sys.stderr)
        return 2
    score = load_score()
    gold = score.load(SHARED / "gold" / "seeds.jsonl") | score.load(SHARED / "dev" / "gold.jsonl")
    if args.show:
        show(args.show, args.light, gold)
        return 0
    docs = dev_documents()
    pred = {
        doc: {"doc": doc, "stats": [], "models": [], "units": units_of(*prepare(p, args.light))}
        for _, doc, p in docs
    }
    out_dir = ROOT / "bench" / "out"
    out_dir.mkdir(exist_ok=True)
    with (out_dir / "dev_units.pred.jsonl").open("w", encoding="utf-8") as f:
        for rec in pred.values():
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for label in ("seeds", "dev"):
        names = [d for s, d, _ in docs if s == label]
        report(label, score, {d: gold[d] for d in names}, pred, False)
    report("all", score, {d: gold[d] for _, d, _ in docs}, pred, args.errors)
    if (SAMPLES / "gold.jsonl").exists():
        report("samples", score, score.load(SAMPLES / "gold.jsonl"), sample_predictions(), args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
