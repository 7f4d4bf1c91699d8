"""What the registry says of each format, for people (`formats`) and scripts (`formats --json`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from .. import formats
from ..formats.base import FIELDS


def describe() -> list[dict[str, Any]]:
    out = []
    for spec in formats.FORMATS.values():
        out.append({
            "name": spec.name, "summary": spec.summary, "reads": spec.read is not None,
            "writes": spec.write is not None, "output": spec.output, "results": spec.results,
            "carries": [f for f in FIELDS if f in spec.carries],
            "cannot_carry": [FIELDS[f] for f in FIELDS if f not in spec.carries],
            "note": spec.lossy_note, "splits": spec.splits, "fixed_categories": spec.fixed_categories,
            "per_sequence_tracks": spec.per_sequence_tracks,
            "options": {f.name: {"help": f.metadata["help"], "when": f.metadata["when"],
                                 "choices": list(f.metadata["choices"] or []) or None,
                                 "default": None if f.default is dataclasses.MISSING else f.default}
                        for f in dataclasses.fields(spec.options)},
        })
    return out


def text() -> str:
    lines = []
    for entry in describe():
        access = "+".join(k for k, flag in (("read", entry["reads"]), ("write", entry["writes"])) if flag)
        lines.append(f"{entry['name']:16} {access:10}  {entry['output']:4}  {entry['summary']}")
        lost = ", ".join(entry["cannot_carry"]) or "nothing"
        lines.append(f"{'':16} cannot carry: {lost}" + (f"; {entry['note']}" if entry["note"] else ""))
        lines.append(f"{'':16} splits: {'train/val in one output' if entry['splits'] else 'one output per split (--split-by)'}")
        if entry["options"]:
            lines.append(f"{'':16} options: {', '.join('--' + k.replace('_', '-') for k in entry['options'])}")
    return "\n".join(lines)
