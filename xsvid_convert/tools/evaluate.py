"""`xsvid-convert evaluate GT PRED`: XS-VID's detection numbers (COCO AP and its small-object
buckets AP_es/AP_rs/AP_gs, `eval_detection`) and, when the predictions carry track ids, its
MOTChallenge numbers (MOTA, IDF1, ... `eval_tracking`), for predictions in any format the
registry reads, resolved against the ground truth as `convert --gt` resolves them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import api, formats
from ..errors import ConvertError
from ..model import Dataset
from ..run import Run
from .eval_detection import coco_metrics
from .eval_tracking import mot_metrics

DETECTION_KEYS = ("AP", "AP50", "AP75", "AP_es", "AP_rs", "AP_gs", "AP_small", "AP_medium", "AP_large")
TRACKING_KEYS = ("MOTA", "IDF1", "IDP", "IDR", "Rcll", "Prcn", "MOTP", "FP", "FN", "IDsw", "Frag", "MT", "PT", "ML",
                 "GT", "Pred", "IDTP", "IDFP", "IDFN")
BUCKET_LABELS = {"AP_es": "es <12²", "AP_rs": "rs 12²-20²", "AP_gs": "gs 20²-32²", "AP_small": "small <32²",
                 "AP_medium": "medium", "AP_large": "large", "AP": "all"}


def evaluate(gt_path: str | Path, pred_path: str | Path, pred_format: str | None = None, *,
             gt_format: str | None = None, min_score: float | None = None, run: Run | None = None,
             **options: Any) -> dict[str, Any]:
    """The metrics object `evaluate --json` prints: detection keys as fractions like pycocotools'
    `stats` (-1 where a bucket has no ground truth), then tracking keys when both sides have tracks."""
    run = run or Run()
    gt_spec = formats.get(gt_format) if gt_format else formats.detect(Path(gt_path))
    if gt_spec.results:
        raise ConvertError(str(gt_path), f"the ground truth comes first; this looks like {gt_spec.name} results")
    gt = api.read(gt_path, gt_spec.name, run=run.child(), **{k: v for k, v in options.items() if k != "gt"})
    pred = read_predictions(pred_path, pred_format, gt, run, options)
    report: dict[str, Any] = {}
    classless = len(pred.boxes) and not (pred.boxes.category_id != -1).any()
    if classless:
        run.note("the predictions carry no class (MOT results): no detection metrics (give --category ID for them)")
    else:
        report.update(coco_metrics(gt, pred))
    if pred.boxes.has("track_id"):
        if not gt.boxes.has("track_id"):
            run.note("the ground truth has no track ids: no tracking metrics")
        else:
            report.update(mot_metrics(gt, pred, min_score))
    report["notes"] = list(run.notes)
    return report


def read_predictions(path: str | Path, fmt: str | None, gt: Dataset, run: Run, options: dict[str, Any]) -> Dataset:
    spec = formats.get(fmt) if fmt else formats.detect(Path(path))
    values = {k: v for k, v in options.items() if k != "gt"}
    if spec.results:
        values["gt"] = gt
    return api.read(path, spec.name, run=run, **values)


def text(report: dict[str, Any]) -> str:
    lines = []
    if "AP" in report:
        lines.append("detection (COCO, maxDets 100, IoU .50:.95 unless named):")
        for key in DETECTION_KEYS:
            lines.append(f"  {key:<10} {report[key]:7.3f}   {BUCKET_LABELS.get(key, '')}")
        stars = " ".join(f"{report[k] * 100:.1f}" for k in DETECTION_KEYS)  # XS-VID's order
        lines.append(f"  XS-VID line (AP AP50 AP75 0-12 12-20 20-32 small medium large): {stars}")
    if "MOTA" in report:
        lines.append("tracking (motmetrics mot15-2D, IoU 0.5, as XS-VID's score_mot.py):")
        for key in TRACKING_KEYS:
            value = report[key]
            shown = "-" if value is None else f"{value:.4f}" if isinstance(value, float) else str(value)
            lines.append(f"  {key:<5} {shown}")
        if report["missing_sequences"]:
            lines.append(f"  videos without predictions: {', '.join(report['missing_sequences'])}")
    lines += [f"note: {note}" for note in report.get("notes", [])]
    return "\n".join(lines)


def plot(report: dict[str, Any], path: Path) -> None:
    """Bars of AP per size bucket (es, rs, gs, small, medium, large, all)."""
    from PIL import Image, ImageDraw

    keys = ["AP_es", "AP_rs", "AP_gs", "AP_small", "AP_medium", "AP_large", "AP"]
    left, base, height, bar = 50, 330, 300, 70
    image = Image.new("RGB", (left + bar * len(keys) + 20, base + 50), "white")
    draw = ImageDraw.Draw(image)
    for k, key in enumerate(keys):
        value = report.get(key, -1)
        x = left + k * bar
        if value >= 0:
            draw.rectangle([x + 8, base - round(height * value), x + bar - 8, base], fill=(31, 119, 180))
        draw.text((x + 10, base - round(height * max(value, 0)) - 14), f"{value:.3f}" if value >= 0 else "n/a",
                  fill="black")
        draw.text((x + 8, base + 6), BUCKET_LABELS[key].split(" ")[0], fill="black")
    draw.line([left, base, left + bar * len(keys), base], fill="black")
    draw.line([left, base - height, left, base], fill="black")
    for tick in (0.0, 0.5, 1.0):
        draw.text((8, base - round(height * tick) - 6), f"{tick:.1f}", fill="black")
    draw.text((left, base + 26), "AP (IoU .50:.95, maxDets 100) per size bucket", fill="black")
    image.save(path, format="PNG")
