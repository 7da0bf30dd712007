"""Write N synthetic articles in the genre of "Dân vận khéo" news, for scale and memory tests.

Every sentence is generated here from templates (nothing comes from a real article).  The
articles vary the unit (real districts and wards of real provinces, from the gazetteer of
``extractors/gazetteer.py``), the numbers, the model names, the actions and the periods, and
some carry a paragraph with no statistic.  The output is deterministic for a seed.

    .venv/bin/python bench/synth.py 5000 --out /tmp/synth5k                  # 5000 .txt files
    .venv/bin/python bench/synth.py 50000 --out /tmp/synth50k.jsonl --short  # one JSONL file
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ACTIONS = (
    "đăng ký", "xây dựng", "công nhận", "duy trì", "nhân rộng", "biểu dương", "khen thưởng",
)  # fmt: skip
ITEMS = ("mô hình", "điển hình", "công trình", "tập thể", "cá nhân", "cuộc đối thoại")
MODEL_HEADS = (
    "Đường hoa", "Tổ tự quản", "Bữa cơm", "Tủ sách", "Vườn rau", "Camera", "Chi hội", "Nhóm Zalo",
    "Sân chơi", "Quỹ", "Ngôi nhà", "Phiên chợ",
)  # fmt: skip
MODEL_TAILS = (
    "tự quản", "nghĩa tình", "an toàn", "xanh - sạch - đẹp", "vì người nghèo", "không rác thải",
    "cho em", "biên giới", "an ninh trật tự", "số", "khuyến học", "0 đồng",
)  # fmt: skip
FIELDS = ("kinh tế", "văn hóa - xã hội", "quốc phòng - an ninh", "xây dựng hệ thống chính trị")
PERIODS = (
    "Năm {y}", "Trong năm {y}", "6 tháng đầu năm {y}", "Giai đoạn {y0}-{y}", "Từ năm {y0} đến nay", "Năm qua",
)  # fmt: skip
FILLER = (
    "Các đại biểu thống nhất cần tăng cường đối thoại với nhân dân ở cơ sở.",
    "Hội nghị cũng đề ra phương hướng, nhiệm vụ cho thời gian tới.",
    "Nhiều hộ dân đã tự nguyện tham gia và đóng góp ngày công lao động.",
    "Phong trào được cấp ủy, chính quyền quan tâm chỉ đạo sát sao.",
)


@dataclass(frozen=True, slots=True)
class Unit:
    district: str  # "huyện Tam Đường"
    ward: str  # "xã Bản Bo"
    province: str


def load_units(limit: int = 4000) -> list[Unit]:
    """Real (ward, district, province) triples from the gazetteer, in a fixed order."""
    from extractors.gazetteer import _tables

    places, _, _ = _tables()
    wards = sorted(
        (p for p in places if p.level == "ward" and p.district and p.district_type),
        key=lambda p: (p.province, p.district or "", p.name),
    )
    step = max(1, len(wards) // limit)
    return [Unit(f"{p.district_type} {p.district}", f"{p.type} {p.name}", p.province) for p in wards[::step]]


def _model_name(rng: random.Random) -> str:
    return f"{rng.choice(MODEL_HEADS)} {rng.choice(MODEL_TAILS)}"


def article(i: int, rng: random.Random, units: list[Unit], short: bool = False) -> tuple[str, str]:
    """(title, text) of synthetic article ``i``."""
    u = rng.choice(units)
    y = rng.randint(2016, 2025)
    period = rng.choice(PERIODS).format(y=y, y0=y - rng.randint(2, 8))
    district = u.district[0].upper() + u.district[1:]
    title = f"{district} ({u.province}) lan tỏa phong trào “Dân vận khéo”"
    lines = [
        title,
        f"{period}, {u.district} có {rng.randint(12, 900)} mô hình “Dân vận khéo” được "
        f"{rng.choice(ACTIONS)}, trong đó {rng.randint(2, 60)} mô hình ở cấp huyện.",
        f"Tiêu biểu là mô hình “{_model_name(rng)}” của {u.ward}, thu hút {rng.randint(20, 400)} hộ tham gia.",
    ]
    if not short:
        for _ in range(rng.randint(2, 5)):
            lines.append(
                f"Trên lĩnh vực {rng.choice(FIELDS)}, toàn {u.district.split()[0]} đã {rng.choice(ACTIONS)} "
                f"{rng.randint(3, 250)} {rng.choice(ITEMS)}, {rng.randint(1, 40)} {rng.choice(ITEMS)} "
                f"được biểu dương; mô hình “{_model_name(rng)}” được nhân rộng ra {rng.randint(2, 30)} thôn."
            )
            lines.append(rng.choice(FILLER))
        lines.append(
            f"Ban Dân vận Huyện ủy cho biết sẽ tổ chức {rng.randint(2, 20)} cuộc đối thoại "
            f"với nhân dân trong năm {y + 1}."
        )
    return title, "\n".join(lines) + "\n"


def generate(n: int, seed: int = 5, short: bool = False) -> Iterator[tuple[str, str, str]]:
    """(name, title, text) of ``n`` articles, streamed."""
    rng = random.Random(seed)
    units = load_units()
    for i in range(n):
        title, text = article(i, rng, units, short)
        yield f"synth_{i:07d}", title, text


def write(n: int, out: Path, seed: int = 5, short: bool = False) -> Path:
    """Write ``n`` articles: one JSONL file when ``out`` ends in .jsonl, else one .txt each in ``out``."""
    if out.suffix == ".jsonl":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8") as f:
            for name, title, text in generate(n, seed, short):
                rec = {"url": f"https://synth.example.vn/{name}.html", "title": title, "text": text}
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        return out
    out.mkdir(parents=True, exist_ok=True)
    for name, _title, text in generate(n, seed, short):
        (out / f"{name}.txt").write_text(text, encoding="utf-8")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="how many articles")
    ap.add_argument("--out", type=Path, required=True, help="a folder (.txt files) or a .jsonl file")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--short", action="store_true", help="three-line articles (memory tests)")
    args = ap.parse_args()
    print(write(args.n, args.out, args.seed, args.short))


if __name__ == "__main__":
    main()
