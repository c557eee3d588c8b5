"""Hand-annotation helper: dump a real page's blocks for review, then turn label ranges into labels.

Page text never enters the repository: dumps go to a scratch folder (``/tmp`` by default), the
label specs hold only block ranges and labels, and ``data/annotations/<dataset>.jsonl`` holds only
``(page, block index, text hash, label)`` rows (see `pagesieve.annotations`).

Usage (run from the repository root, with ``../shared/data`` present)::

    python -m pagesieve.training.annotate_tool dump gne-testpages/tests/163/1
        # -> /tmp/pagesieve-annot/gne-testpages__tests__163__1.txt  (one line per block:
        #    index | link density | tag tail [attr words] | text, long text shortened in the middle;
        #    runs of short link-only blocks share a line)
        #    and a .hashes sidecar (index -> text hash at dump time)
    python -m pagesieve.training.annotate_tool apply /tmp/pagesieve-annot/specs/*.spec
        # -> data/annotations/<dataset>.jsonl, rebuilt from the specs given: pass the specs of
        #    *every* page of a data set, or the pages left out are dropped from its file
    python -m pagesieve.training.annotate_tool stats

A spec file (plain text, ``#`` starts a comment)::

    page: gne-testpages/tests/163/1
    sig: 3f2a9c0d1b7e            # block-hash signature printed by `dump`
    0-58 b                       # site nav
    59 c
    60-61,63 c
    62 r

Labels may be abbreviated: ``c`` content, ``m`` comment, ``r`` related, ``a`` ad, ``b``
boilerplate. Every block must get exactly one label (gaps and overlaps are errors). When the
segmenter changed since the dump (the signature differs), labels are carried over by text hash
through the ``.hashes`` sidecar and any block left without a label is reported.

Page keys are ``<dataset>/<id>``: ``gne-testpages/tests/<site>/<n>``, ``cwced-zh/<uuid>``,
``gerapy-samples/samples/<list|detail>/<name>``, ``trafilatura-zh/<stem>``,
``readability-zh/<name>``, ``webmainbench-zh/<track_id>``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from ..annotations import block_hash, load_annotations, write_annotations
from ..types import LABELS, Block

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
DEFAULT_SCRATCH = Path("/tmp/pagesieve-annot")
DEFAULT_OUT = Path("data/annotations")

ABBREV = {"c": "content", "m": "comment", "r": "related", "a": "ad", "b": "boilerplate"}
ABBREV.update({lab: lab for lab in LABELS})


def page_file(key: str, data: Path = DEFAULT_DATA) -> Path:
    """The HTML file of a page key."""
    dataset, _, ident = key.partition("/")
    candidates = [
        data / dataset / "pages" / f"{ident}.html",
        data / dataset / f"{ident}.html",
        data / dataset / ident / "source.html",  # readability-zh/<name>
    ]
    for c in candidates:
        if c.is_file():
            return c
    raise FileNotFoundError(f"no page file for {key!r} under {data}")


def page_bytes(key: str, data: Path = DEFAULT_DATA) -> bytes:
    """The page's HTML bytes, as evaluation reads them (webmainbench-zh pages live in a JSONL)."""
    dataset, _, ident = key.partition("/")
    if dataset == "webmainbench-zh":
        with open(data / dataset / "samples.jsonl", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line) if line.strip() else {}
                if str(rec.get("track_id")) == ident:
                    return str(rec["html"]).encode("utf-8")
        raise FileNotFoundError(f"no page {ident!r} in {data / dataset / 'samples.jsonl'}")
    return page_file(key, data).read_bytes()


def page_blocks(key: str, data: Path = DEFAULT_DATA) -> tuple[Block, ...]:
    from .. import read_page

    return read_page(page_bytes(key, data), kind="html").blocks


def signature(blocks: tuple[Block, ...] | list[Block]) -> str:
    h = hashlib.sha1()
    for b in blocks:
        h.update(block_hash(b.text).encode())
        h.update(b"\n")
    return h.hexdigest()[:12]


def _short(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    tail = max(12, width // 4)
    return f"{text[: width - tail - 1]}…{text[-tail:]} [{len(text)}c]"


def dump_lines(blocks: tuple[Block, ...], width: int = 90, group: int = 14) -> list[str]:
    out: list[str] = []
    run: list[Block] = []

    def flush() -> None:
        if not run:
            return
        if len(run) == 1:
            out.append(_line(run[0]))
        else:
            out.append(f"{run[0].index}-{run[-1].index} L  " + " | ".join(b.text for b in run))
        run.clear()

    def _line(b: Block) -> str:
        tail = "/".join(b.tag_path.split("/")[-2:])
        words = ",".join(b.attr_words[:3])
        return f"{b.index} {b.link_density:.1f} {tail}[{words}] | {_short(b.text, width)}"

    for b in blocks:
        if len(b.text) <= group and b.link_density >= 0.99:
            run.append(b)
            if len(run) >= 12:
                flush()
            continue
        flush()
        out.append(_line(b))
    flush()
    return out


def cmd_dump(args: argparse.Namespace) -> int:
    scratch = Path(args.scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    for key in args.pages:
        blocks = page_blocks(key, Path(args.data))
        stem = key.replace("/", "__")
        sig = signature(blocks)
        lines = [f"# page: {key}", f"# blocks: {len(blocks)} sig: {sig}"]
        lines += dump_lines(blocks, width=args.width)
        (scratch / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (scratch / f"{stem}.hashes").write_text(
            "".join(f"{b.index}\t{block_hash(b.text)}\n" for b in blocks), encoding="utf-8"
        )
        print(f"{key}: {len(blocks)} blocks, sig {sig} -> {scratch / (stem + '.txt')}")
    return 0


def parse_spec(path: Path) -> tuple[str, str | None, dict[int, str]]:
    key: str | None = None
    sig: str | None = None
    labels: dict[int, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("page:"):
            key = line[5:].strip()
            continue
        if line.startswith("sig:"):
            sig = line[4:].strip()
            continue
        spans, _, lab = line.rpartition(" ")
        label = ABBREV.get(lab.strip())
        if label is None or not spans.strip():
            raise ValueError(f"{path}:{n}: cannot read {raw!r}")
        for span in spans.replace(" ", "").split(","):
            lo, _, hi = span.partition("-")
            for i in range(int(lo), int(hi or lo) + 1):
                if i in labels:
                    raise ValueError(f"{path}:{n}: block {i} labelled twice")
                labels[i] = label
    if key is None:
        raise ValueError(f"{path}: no 'page:' line")
    return key, sig, labels


def labels_for_page(
    spec: Path, data: Path, scratch: Path
) -> tuple[str, list[tuple[Block, str]], list[str]]:
    key, sig, labels = parse_spec(spec)
    blocks = page_blocks(key, data)
    problems: list[str] = []
    if sig is None or sig == signature(blocks):
        missing = [b.index for b in blocks if b.index not in labels]
        extra = sorted(set(labels) - {b.index for b in blocks})
        if missing or extra:
            raise ValueError(
                f"{spec}: {key}: unlabelled blocks {missing[:20]}, unknown {extra[:20]}"
            )
        return key, [(b, labels[b.index]) for b in blocks], problems
    # The segmenter changed since the dump: carry labels over by text hash.
    sidecar = scratch / (key.replace("/", "__") + ".hashes")
    by_hash: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for row in sidecar.read_text(encoding="utf-8").splitlines():
        idx, h = row.split("\t")
        if int(idx) in labels:
            by_hash[h].append((int(idx), labels[int(idx)]))
    out: list[tuple[Block, str]] = []
    for b in blocks:
        cands = by_hash.get(block_hash(b.text))
        if not cands:
            problems.append(f"{key}: block {b.index} has no label (new text): {b.text[:40]!r}")
            continue
        out.append((b, min(cands, key=lambda c: abs(c[0] - b.index))[1]))
    return key, out, problems


def cmd_apply(args: argparse.Namespace) -> int:
    per_dataset: dict[str, dict[str, list[tuple[Block, str]]]] = defaultdict(dict)
    all_problems: list[str] = []
    for spec in sorted(Path(s) for s in args.specs):
        key, items, problems = labels_for_page(spec, Path(args.data), Path(args.scratch))
        all_problems += problems
        per_dataset[key.split("/", 1)[0]][key] = items
    out = Path(args.out)
    for dataset, pages in sorted(per_dataset.items()):
        write_annotations(out / f"{dataset}.jsonl", dict(sorted(pages.items())))
        print(f"{dataset}: {len(pages)} pages, {sum(len(v) for v in pages.values())} blocks")
    for p in all_problems:
        print("WARNING", p, file=sys.stderr)
    return 1 if all_problems and args.strict else 0


def cmd_stats(args: argparse.Namespace) -> int:
    anns = load_annotations(Path(args.out))
    total: Counter[str] = Counter()
    for key, ann in sorted(anns.items()):
        c = Counter(lab for _, _, lab in ann.blocks)
        total.update(c)
        counts = " ".join(f"{lab[:4]}={c[lab]}" for lab in LABELS)
        print(f"{key:70s} {len(ann.blocks):5d}  {counts}")
    print(f"{len(anns)} pages, {sum(total.values())} blocks: " + json.dumps(dict(total)))
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="annotate_tool", description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="shared/data folder")
    ap.add_argument("--scratch", default=str(DEFAULT_SCRATCH), help="where dumps go (not the repo)")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="annotation folder")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump", help="dump blocks of pages for review")
    d.add_argument("pages", nargs="+")
    d.add_argument("--width", type=int, default=90)
    a = sub.add_parser("apply", help="write annotations from label specs")
    a.add_argument("specs", nargs="+")
    a.add_argument("--strict", action="store_true", help="fail when a block lost its label")
    sub.add_parser("stats", help="label counts per annotated page")
    args = ap.parse_args(argv)
    return {"dump": cmd_dump, "apply": cmd_apply, "stats": cmd_stats}[args.cmd](args)


if __name__ == "__main__":
    raise SystemExit(main())
