"""COCO detection metrics as XS-VID's evaluator (`cocoeval.py`) computes them, through pycocotools.

XS-VID's `cocoeval.py` is pycocotools' `COCOeval` with seven area ranges instead of four; the
matching, accumulation and summary are the same.  So this is plain pycocotools with XS-VID's
`areaRng`/`areaRngLbl` and every other parameter at its default (maxDets 1/10/100, IoU .50:.05:.95,
every category of the ground truth), the bucket APs read from `eval['precision']` as XS-VID's
`_summarize` reads them.  Checked equal, to the last bit, to XS-VID's own file.

What decides the numbers, kept exactly: the ground truth's annotation ids (an id 0 is never
matched), its `area` (the bins use it, not w·h), `iscrowd` as the only ignore flag (an `ignore` key
alone ignores nothing), the predictions' order (pycocotools breaks score ties by it).
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

import numpy as np

from ..errors import ConvertError
from ..model import Dataset

AREA_RANGES = [[0 ** 2, 1e5 ** 2], [0 ** 2, 12 ** 2], [12 ** 2, 20 ** 2], [20 ** 2, 32 ** 2],
               [0 ** 2, 32 ** 2], [32 ** 2, 96 ** 2], [96 ** 2, 1e5 ** 2]]
AREA_LABELS = ["all", "0-12", "12-20", "20-32", "small", "medium", "large"]
MAX_DETS = 100
CROWD = 1  # bit of the COCO reader's `coco.flags` hint: the record's own iscrowd
STATS = ("AP", "AP50", "AP75", "AP_small", "AP_medium", "AP_large", "AR1", "AR10", "AR100", "AR_small", "AR_medium",
         "AR_large")
BUCKETS = {"AP_es": "0-12", "AP_rs": "12-20", "AP_gs": "20-32"}


def _pycocotools() -> Any:
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError:
        raise ConvertError("evaluate", "detection metrics need pycocotools: pip install 'xsvid-convert[eval]'") from None
    return COCO, COCOeval


def coco_metrics(gt: Dataset, pred: Dataset) -> dict[str, float]:
    """AP, AP50, AP75, AP_small/medium/large, AR1/10/100, AR_small/medium/large (pycocotools'
    `stats`) and AP_es, AP_rs, AP_gs; -1 where a bucket has no ground truth."""
    COCO, COCOeval = _pycocotools()
    with contextlib.redirect_stdout(io.StringIO()):
        truth = _index(COCO(), _gt_document(gt))
        dets = _detections(pred)
        results = truth.loadRes(dets) if dets else _index(COCO(), {**truth.dataset, "annotations": []})
        E = COCOeval(truth, results, "bbox")
        E.params.areaRng = [list(r) for r in AREA_RANGES]
        E.params.areaRngLbl = list(AREA_LABELS)
        E.evaluate()
        E.accumulate()
        E.summarize()
    out = {key: float(value) for key, value in zip(STATS, E.stats[:12])}
    out.update({key: bucket_ap(E, label) for key, label in BUCKETS.items()})
    return out


def bucket_ap(E: Any, label: str, iou: float | None = None) -> float:
    """XS-VID's `_summarize(1, areaRng=label, maxDets=100)`: the mean of the valid precisions."""
    p = E.params
    s = E.eval["precision"]
    if iou is not None:
        s = s[np.where(iou == p.iouThrs)[0]]
    s = s[:, :, :, [p.areaRngLbl.index(label)], [p.maxDets.index(MAX_DETS)]]
    valid = s[s > -1]
    return -1.0 if valid.size == 0 else float(np.mean(valid))


def _index(coco: Any, document: dict) -> Any:
    coco.dataset = document
    coco.createIndex()
    return coco


def _gt_document(gt: Dataset) -> dict:
    """The ground truth as pycocotools reads it: the source's ids, areas and iscrowd flags."""
    b = gt.boxes
    own_area = b.hints.get("coco.area")
    area = b.w * b.h if own_area is None else np.where(np.isnan(own_area), b.w * b.h, own_area)
    flags = b.hints.get("coco.flags")
    crowd = b.ignore if flags is None else (flags & CROWD) != 0
    annotations = [{"id": i, "image_id": f, "category_id": c, "bbox": [x, y, w, h], "area": a, "iscrowd": int(k)}
                   for i, f, c, x, y, w, h, a, k in zip(b.id.tolist(), b.frame_id.tolist(), b.category_id.tolist(),
                                                        b.x.tolist(), b.y.tolist(), b.w.tolist(), b.h.tolist(),
                                                        area.tolist(), crowd.tolist())]
    return {"images": [{"id": f.id, "width": f.width, "height": f.height} for f in gt.frames],
            "categories": [{"id": c.id, "name": c.name} for c in gt.categories], "annotations": annotations}


def _detections(pred: Dataset) -> list[dict]:
    """Every prediction (a ground truth's ignored regions are not), in order, less those that
    pycocotools would never look at: beyond the 100 best of their (image, category), ties kept in
    order as pycocotools' stable sort keeps them."""
    b = pred.boxes
    rows = np.flatnonzero(~b.ignore)
    score = np.where(np.isnan(b.score[rows]), 1.0, b.score[rows])
    image, category = b.frame_id[rows], b.category_id[rows]
    order = np.lexsort((np.arange(len(rows)), -score, category, image))
    starts = np.r_[True, (image[order][1:] != image[order][:-1]) | (category[order][1:] != category[order][:-1])] \
        if len(rows) else np.zeros(0, bool)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0)) if len(rows) else starts
    kept = np.sort(order[np.arange(len(rows)) - group_start < MAX_DETS])
    r = rows[kept]
    return [{"image_id": f, "category_id": c, "bbox": [x, y, w, h], "score": s}
            for f, c, x, y, w, h, s in zip(b.frame_id[r].tolist(), b.category_id[r].tolist(), b.x[r].tolist(),
                                           b.y[r].tolist(), b.w[r].tolist(), b.h[r].tolist(), score[kept].tolist())]
