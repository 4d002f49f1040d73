"""medspaCy's ConText against the project's own context cues, in the red-flag detector.

`python -m bench.context_compare` needs medspacy (and, for one row, negspacy) installed next to
the project's packages, e.g. in a scratch copy of the venv: the project does not depend on them,
and nothing imports this module at run time. Without medspacy it exits with code 2 and says so.

Every variant runs the detector of components/red_flags.py on the same safety suites and gets the
same matched spans from its phrase matcher (everyday senses such as "cancer research" are dropped
before, in every variant); only the decision "this matched sign does not count" changes:

- A: the detector as it is: components/cues.py (negated, someone else who is not the user, the
  term of a question, dated long ago for the recent-only rules);
- B: medspaCy ConText as shipped (default rules and settings, plus a sentencizer) instead: a
  sign it marks negated, historical, hypothetical or family does not count;
- B-tuned: B with two settings in ConText's favour: a modifier inside a matched sign is dropped
  (`prune_on_target_overlap`: "can't feel" is a sign, not a negation of what follows), and
  "historical" counts only for the recent-only rules, as in A;
- C: tuned ConText for negation and hypothetical; own code for what ConText has no rule for
  (another person who is not the user, a question about a term, a date long ago), ConText's
  "history of" added for the recent-only rules;
- one cue at a time: A with one cue swapped for tuned ConText's (or negspacy's), or ConText's added.

It prints Markdown tables (docs/architecture.md quotes them), the cases where A and B (and A and
C) disagree with the cue that decided, the cost (load time, memory, time per sentence), and
writes reports/context_compare.json. A benchmark, not a test: exit code 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from components import cues  # pure Python: no Rasa, no spaCy

ROOT = Path(__file__).resolve().parent.parent
SAFETY = ROOT / "tests" / "safety"
#: the suites compared (named, never globbed: later batches stay held out)
SUITES = ("red_flags_batch1.yml", "red_flags_batch2.yml", "red_flag_cases.yml", "benign_batch1.yml", "benign_batch2.yml")
BLOCKING = ("refer", "emergency")
#: ConText categories that make a sign not count in variant B (POSSIBLE_EXISTENCE never does)
DISCOUNTING = frozenset({"NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY"})
NEG, HIST, HYP, FAM = "NEGATED_EXISTENCE", "HISTORICAL", "HYPOTHETICAL", "FAMILY"
#: a few hand-written sentences outside the suites, to show the behaviour the numbers come from
PROBES = (
    "no, I have numbness",
    "not sure, I do get tingling",
    "I'm not sure if it's numbness",
    "no numbness, I have tingling",
    "what if I get tingling",
    "if I ever have chest pain, what should I do",
    "if I press on my calf it goes numb",
    "I can't feel my toes",
    "history of sciatica",
    "I had sciatica years ago",
    "I used to take warfarin",
    "my mum is on warfarin, I'm just sore from the gym",
    "my wife is pregnant and I have a stiff back",
    "what's a blood thinner?",
)
Span = Any  # spacy.tokens.Span: spaCy and Rasa are imported late, so the exit without medspacy stays fast


@dataclasses.dataclass(frozen=True)
class Case:
    suite: str
    kind: str  # "red_flag" or "benign"
    text: str
    level: str  # expected level of a red flag; "" for benign
    trap: str  # benign trap class; "untagged" when the suite has none


def load_cases() -> List[Case]:
    cases = []
    for name in SUITES:
        data = yaml.safe_load((SAFETY / name).read_text())
        for item in data.get("red_flags") or []:
            cases.append(Case(name, "red_flag", item["text"], item["level"], ""))
        for item in data.get("benign") or []:
            cases.append(Case(name, "benign", item["text"], "", item.get("trap", "untagged")))
    return cases


# --- the two maintained implementations, behind one small reader each ---------------------------


class ContextReader:
    """medspaCy ConText, default rules, over given target spans: a blank English pipeline with a
    sentencizer (ConText needs sentence boundaries) and ConText reading a span group.

    `prune=True` sets ConText's `prune_on_target_overlap`: a modifier that overlaps a matched sign
    is dropped, so the "n't" of "can't feel" is part of the sign, not a negation of what follows.
    """

    GROUP = "red_flag_targets"

    def __init__(self, prune: bool = False) -> None:
        import medspacy.context  # noqa: F401  registers the "medspacy_context" factory
        import spacy

        self.nlp = spacy.blank("en")
        self.nlp.add_pipe("sentencizer")
        config = {"input_span_type": "group", "span_group_name": self.GROUP, "prune_on_target_overlap": prune}
        self.context = self.nlp.add_pipe("medspacy_context", config=config)

    def categories(self, text: str, targets: Iterable[Tuple[int, int]]) -> Dict[Tuple[int, int], FrozenSet[str]]:
        """The ConText categories that modify each target (character offsets in `text`)."""
        doc = self.nlp.make_doc(text)
        keys, spans = [], []
        for start, end in sorted(set(targets)):
            span = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
            if span is not None:
                keys.append((start, end))
                spans.append(span)
        doc.spans[self.GROUP] = spans
        for _, pipe in self.nlp.pipeline:
            doc = pipe(doc)
        return {
            key: frozenset(m.category for m in span._.modifiers) for key, span in zip(keys, doc.spans[self.GROUP], strict=True)
        }


class NegexReader:
    """negspacy's Negex (its default en_clinical termset); it reads doc.ents, which cannot overlap,
    so overlapping targets are read in layers."""

    def __init__(self) -> None:
        import negspacy.negation  # noqa: F401  registers the "negex" factory
        import spacy

        self.nlp = spacy.blank("en")
        self.sentencizer = self.nlp.add_pipe("sentencizer")
        self.negex = self.nlp.add_pipe("negex")

    def negated(self, text: str, targets: Iterable[Tuple[int, int]]) -> Set[Tuple[int, int]]:
        doc = self.sentencizer(self.nlp.make_doc(text))
        layers: List[List[Any]] = []
        for start, end in sorted(set(targets)):
            span = doc.char_span(start, end, label="TARGET", alignment_mode="expand")
            if span is None:
                continue
            layer = next((la for la in layers if all(s.end <= span.start or span.end <= s.start for s in la)), None)
            if layer is None:
                layers.append([span])
            else:
                layer.append(span)
        out = set()
        for layer in layers:
            doc.ents = tuple(layer)
            self.negex(doc)
            out |= {(e.start_char, e.end_char) for e in doc.ents if e._.negex}
        return out


# --- the detector with a pluggable decision -------------------------------------------------------


class SpanCues:
    """What each implementation says about one matched sign; each is computed only when asked."""

    def __init__(self, matcher: PolicyMatcher, text: str, span: Span, norms: List[str], flag_tokens: set, recent_only: bool):
        self.matcher, self.text, self.span, self.norms, self.flag_tokens = matcher, text, span, norms, flag_tokens
        self.recent_only = recent_only

    @cached_property
    def negated(self) -> bool:
        return cues.negated(self.norms, self.span.start, self.flag_tokens)

    @cached_property
    def someone_else(self) -> bool:
        return cues.about_someone_else(self.text, self.span.start_char, self.span.end_char)

    @cached_property
    def asked(self) -> bool:
        return cues.asked_about(self.text, self.span.start_char, self.span.end_char)

    @cached_property
    def past(self) -> bool:
        return cues.in_the_past(self.text, self.span.start_char, self.span.end_char)

    @cached_property
    def context(self) -> FrozenSet[str]:
        return self.matcher.context_categories(self.span)

    @cached_property
    def negex(self) -> bool:
        return self.matcher.negex_negated(self.span)

    def own(self) -> bool:
        """components/cues.py, exactly as RedFlagMatcher._discounted applies it."""
        return self.negated or self.someone_else or self.asked or (self.recent_only and self.past)

    def has(self, *categories: str) -> bool:
        return bool(self.context & set(categories))

    def describe(self) -> str:
        own = [n for n, v in [("negated", self.negated), ("someone else", self.someone_else), ("asked", self.asked)] if v]
        if self.past:
            own.append("dated long ago" + ("" if self.recent_only else " (not a recent-only rule)"))
        ctx = sorted(self.context) or ["-"]
        return f"{self.span.text!r} own [{', '.join(own) or '-'}] ConText [{', '.join(ctx)}]"


Policy = Callable[[SpanCues], bool]


def _matcher_class() -> type:
    from components.red_flags import RedFlagMatcher
    from components.text import all_matches

    class _PolicyMatcher(RedFlagMatcher):
        """RedFlagMatcher whose `_discounted` asks a policy; ConText and Negex run once per message,
        on every span the phrase matcher found."""

        def __init__(
            self,
            vocabulary: Dict[str, Any],
            speller: Any,
            policy: Policy,
            context: Optional[ContextReader] = None,
            negex: Optional[NegexReader] = None,
        ) -> None:
            super().__init__(vocabulary, speller)
            self.policy, self.context, self.negex = policy, context, negex
            self._doc: Any = None
            self._categories: Optional[Dict[Tuple[int, int], FrozenSet[str]]] = None
            self._negated: Optional[Set[Tuple[int, int]]] = None
            #: when set, `find` records each sign on which this policy and `compare` decide differently
            self.trace: Optional[List[Tuple[str, bool]]] = None
            self.compare: Optional[Policy] = None

        def _targets(self, doc: Any) -> List[Tuple[int, int]]:
            return [(s.start_char, s.end_char) for s in all_matches(doc, self.matcher)]

        def _same_doc(self, doc: Any) -> None:
            if self._doc is not doc:
                self._doc, self._categories, self._negated = doc, None, None

        def context_categories(self, span: Span) -> FrozenSet[str]:
            self._same_doc(span.doc)
            if self._categories is None:
                assert self.context is not None
                self._categories = self.context.categories(span.doc.text, self._targets(span.doc))
            return self._categories.get((span.start_char, span.end_char), frozenset())

        def negex_negated(self, span: Span) -> bool:
            self._same_doc(span.doc)
            if self._negated is None:
                assert self.negex is not None
                self._negated = self.negex.negated(span.doc.text, self._targets(span.doc))
            return (span.start_char, span.end_char) in self._negated

        def _discounted(self, text: str, span: Span, norms: List[str], flag_tokens: set, recent_only: bool) -> bool:
            said = SpanCues(self, text, span, norms, flag_tokens, recent_only)
            out = self.policy(said)
            if self.trace is not None and self.compare is not None and self.compare(said) != out:
                self.trace.append((said.describe(), out))
            return out

    return _PolicyMatcher


PolicyMatcher = Any  # the class _matcher_class() returns (built after the imports it needs)


@dataclasses.dataclass(frozen=True)
class Variant:
    description: str
    policy: Optional[Policy]  # None: the unmodified RedFlagMatcher
    context: str = "tuned"  # which ConText reader its policy may ask: "shipped" or "tuned"


def variants(negspacy: bool) -> Dict[str, Variant]:
    """The main variants, then A with one cue changed (ConText with the tuned setting)."""
    out = {
        "A": Variant("own cues (components/cues.py): the detector as it is", None),
        "B": Variant(
            "ConText as shipped (default rules and settings): negated, historical, hypothetical or family",
            lambda c: bool(c.context & DISCOUNTING),
            "shipped",
        ),
        "B-tuned": Variant(
            "ConText, modifiers inside a matched sign dropped; historical only for recent-only rules (as A)",
            lambda c: c.has(NEG, HYP, FAM) or (c.recent_only and c.has(HIST)),
        ),
        "C": Variant(
            "ConText (tuned) for negation + hypothetical; own code for someone else, asked, dated long ago "
            "(+ ConText historical) for recent-only rules",
            lambda c: c.has(NEG, HYP) or c.someone_else or c.asked or (c.recent_only and (c.past or c.has(HIST))),
        ),
        "A=": Variant("A through the benchmark's harness (must equal A)", lambda c: c.own()),
        "A/neg:ConText": Variant(
            "A, negation by ConText instead of cues.negated",
            lambda c: c.has(NEG) or c.someone_else or c.asked or (c.recent_only and c.past),
        ),
        "A/else:ConText": Variant(
            "A, someone else by ConText FAMILY instead of cues.about_someone_else",
            lambda c: c.negated or c.has(FAM) or c.asked or (c.recent_only and c.past),
        ),
        "A/past:ConText": Variant(
            "A, dated long ago by ConText HISTORICAL instead of cues.in_the_past (recent-only rules)",
            lambda c: c.negated or c.someone_else or c.asked or (c.recent_only and c.has(HIST)),
        ),
        "A+neg": Variant("A, or ConText NEGATED_EXISTENCE", lambda c: c.own() or c.has(NEG)),
        "A+hyp": Variant("A, or ConText HYPOTHETICAL", lambda c: c.own() or c.has(HYP)),
        "A+fam": Variant("A, or ConText FAMILY", lambda c: c.own() or c.has(FAM)),
        "A+hist": Variant("A, or ConText HISTORICAL for recent-only rules", lambda c: c.own() or (c.recent_only and c.has(HIST))),
    }
    if negspacy:
        out["A/neg:negspacy"] = Variant(
            "A, negation by negspacy (en_clinical) instead of cues.negated",
            lambda c: c.negex or c.someone_else or c.asked or (c.recent_only and c.past),
        )
    return out


#: the variants of the main table; the rest change one cue of A
MAIN = ("A", "B", "B-tuned", "C")


# --- measuring ------------------------------------------------------------------------------------


def level(matcher: Any, text: str) -> str:
    levels = {f.level for f in matcher.find(text) if f.level in BLOCKING}
    return "emergency" if "emergency" in levels else "refer" if levels else "none"


def summarise(cases: Sequence[Case], levels: Sequence[str]) -> Dict[str, Any]:
    red = [(c, got) for c, got in zip(cases, levels, strict=True) if c.kind == "red_flag"]
    benign = [(c, got) for c, got in zip(cases, levels, strict=True) if c.kind == "benign"]
    emergencies = [(c, got) for c, got in red if c.level == "emergency"]
    traps: Dict[str, List[bool]] = {}
    for c, got in benign:
        traps.setdefault(c.trap, []).append(got == "none")
    return {
        "red_flags": len(red),
        "caught": sum(got != "none" for _, got in red),
        "recall": round(sum(got != "none" for _, got in red) / len(red), 4),
        "emergencies": len(emergencies),
        "emergencies_exact": sum(got == "emergency" for _, got in emergencies),
        "benign": len(benign),
        "benign_passed": sum(got == "none" for _, got in benign),
        "benign_pass": round(sum(got == "none" for _, got in benign) / len(benign), 4),
        "traps": {t: {"cases": len(v), "passed": sum(v), "pass": round(sum(v) / len(v), 4)} for t, v in sorted(traps.items())},
    }


def per_sentence_ms(matchers: Dict[str, Any], texts: Sequence[str], rounds: int) -> Dict[str, float]:
    """Median over rounds of the mean time of one `find`; the order of variants alternates by round."""
    samples: Dict[str, List[float]] = {name: [] for name in matchers}
    names = list(matchers)
    for r in range(rounds):
        for name in names if r % 2 == 0 else reversed(names):
            find = matchers[name].find
            started = time.perf_counter()
            for text in texts:
                find(text)
            samples[name].append((time.perf_counter() - started) / len(texts) * 1000)
    return {name: round(statistics.median(v), 4) for name, v in samples.items()}


def _rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def load_probe(kind: str, vocabulary_path: str) -> Dict[str, Any]:
    """Run in a fresh interpreter: what the detector costs to load, and what a reader adds."""
    out: Dict[str, Any] = {}
    started = time.perf_counter()
    from components.red_flags import RedFlagDetector, RedFlagMatcher  # rasa + spaCy: what the bot loads anyway

    out["import_detector_s"] = time.perf_counter() - started
    vocabulary = json.loads(Path(vocabulary_path).read_text())
    started = time.perf_counter()
    matcher = RedFlagMatcher(vocabulary, RedFlagDetector.speller_of(vocabulary))
    matcher.find("warm-up: no numbness")
    out["build_detector_s"] = time.perf_counter() - started
    out["rss_detector_mib"] = _rss_mib()
    before = {m.split(".")[0] for m in sys.modules}
    started = time.perf_counter()
    if kind == "context":
        ContextReader().categories("no numbness", [(3, 11)])
    elif kind == "negspacy":
        NegexReader().negated("no numbness", [(3, 11)])
    out["reader_s"] = time.perf_counter() - started
    out["rss_added_mib"] = _rss_mib() - out["rss_detector_mib"]
    out["new_top_level_modules"] = sorted({m.split(".")[0] for m in sys.modules} - before)
    return out


def measure_load(kinds: Sequence[str], vocabulary_path: str, runs: int) -> Dict[str, Any]:
    results: Dict[str, Any] = {}
    for kind in kinds:
        samples = []
        for _ in range(runs):
            done = subprocess.run(
                [sys.executable, "-m", "bench.context_compare", "--load-probe", kind, "--vocabulary", vocabulary_path],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=300,
                check=True,
            )
            samples.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results[kind] = {
            key: round(statistics.median(s[key] for s in samples), 3)
            for key in ("import_detector_s", "build_detector_s", "rss_detector_mib", "reader_s", "rss_added_mib")
        }
        results[kind]["new_top_level_modules"] = samples[0]["new_top_level_modules"]
        results[kind]["runs"] = runs
    return results


def requirement_chain(root: str, wanted: str) -> Optional[List[str]]:
    """The chain of installed runtime requirements (no extras) from `root` to `wanted`, if any."""

    def requires(name: str) -> List[str]:
        try:
            reqs = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            return []
        return [re.split(r"[\s<>=!~;\[(]", r, maxsplit=1)[0] for r in reqs if "extra ==" not in r]

    norm = lambda n: n.lower().replace("_", "-")  # noqa: E731
    queue, seen = [[root]], {norm(root)}
    while queue:
        chain = queue.pop(0)
        for dep in requires(chain[-1]):
            if norm(dep) == norm(wanted):
                return [*chain, dep]
            if norm(dep) not in seen:
                seen.add(norm(dep))
                queue.append([*chain, dep])
    return None


# --- output ---------------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{x:.3f}"


def main_table(
    summaries: Dict[str, Dict[str, Any]], timing: Dict[str, float], names: Sequence[str], descr: Dict[str, str]
) -> str:
    rows = [
        "| variant | who decides that a sign does not count | red-flag recall | emergencies exact | benign pass "
        "| ms / sentence |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        s = summaries[name]
        rows.append(
            f"| {name} | {descr[name]} | {pct(s['recall'])} ({s['caught']}/{s['red_flags']}) "
            f"| {s['emergencies_exact']}/{s['emergencies']} | {pct(s['benign_pass'])} ({s['benign_passed']}/{s['benign']}) "
            f"| {timing[name]:.3f} |"
        )
    return "\n".join(rows)


def trap_table(summaries: Dict[str, Dict[str, Any]], names: Sequence[str]) -> str:
    traps = list(summaries[names[0]]["traps"])
    rows = ["| benign trap (cases) | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for trap in traps:
        cells = [f"{summaries[n]['traps'][trap]['passed']}/{summaries[n]['traps'][trap]['cases']}" for n in names]
        rows.append(f"| {trap} ({summaries[names[0]]['traps'][trap]['cases']}) | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def disagreements(cases: Sequence[Case], levels: Dict[str, List[str]], a: str, b: str) -> Dict[str, List[Case]]:
    out: Dict[str, List[Case]] = {
        f"red flag caught by {a}, missed by {b}": [],
        f"red flag caught by {b}, missed by {a}": [],
        f"benign passed by {a}, flagged by {b}": [],
        f"benign passed by {b}, flagged by {a}": [],
        f"emergency graded right by {a}, not by {b}": [],
        f"emergency graded right by {b}, not by {a}": [],
    }
    keys = list(out)
    for i, case in enumerate(cases):
        la, lb = levels[a][i], levels[b][i]
        if case.kind == "red_flag":
            if (la == "none") != (lb == "none"):
                out[keys[0] if lb == "none" else keys[1]].append(case)
            elif case.level == "emergency" and (la == "emergency") != (lb == "emergency"):
                out[keys[4] if la == "emergency" else keys[5]].append(case)
        elif (la == "none") != (lb == "none"):
            out[keys[2] if la == "none" else keys[3]].append(case)
    return out


def explain(tracer: Any, compare: Policy, name: str, text: str) -> List[str]:
    """The signs on which A (the tracer's policy) and `compare` (variant `name`) decide differently."""
    tracer.trace, tracer.compare = [], compare
    tracer.find(text)
    found, tracer.trace, tracer.compare = list(dict.fromkeys(tracer.trace)), None, None
    return [
        f"{sign}: {'discounted by A, counted by ' if a_discounts else 'counted by A, discounted by '}{name}"
        for sign, a_discounts in found
    ]


def print_disagreements(
    cases: Sequence[Case], levels: Dict[str, List[str]], a: str, b: str, tracer: Any, compare: Policy, examples: int
) -> Dict[str, List[str]]:
    found = disagreements(cases, levels, a, b)
    print(f"\n## Where {a} and {b} disagree (a sign: what each says, and which way the two variants decide)\n")
    for title, items in found.items():
        print(f"- {title}: {len(items)}")
        for case in items[:examples]:
            detail = case.trap if case.kind == "benign" else case.level
            print(f"    {case.text!r} ({case.suite}, {detail})")
            for line in explain(tracer, compare, b, case.text)[:4]:
                print(f"        {line}")
    return {title: [c.text for c in items] for title, items in found.items()}


# --- main -----------------------------------------------------------------------------------------


def medspacy_missing() -> Optional[str]:
    if importlib.util.find_spec("medspacy") is None:
        return "medspacy is not installed here"
    try:
        import medspacy.context  # noqa: F401
    except Exception as error:  # noqa: BLE001  any import failure means: cannot run
        return f"medspacy is installed but `import medspacy.context` fails: {type(error).__name__}: {error}"
    return None


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds over all cases (median)")
    parser.add_argument("--load-runs", type=int, default=3, help="fresh interpreters per load measurement (median)")
    parser.add_argument("--examples", type=int, default=6, help="disagreeing cases shown per direction")
    parser.add_argument("--out", type=Path, default=ROOT / "reports")
    parser.add_argument("--load-probe", choices=("own", "context", "negspacy"), help=argparse.SUPPRESS)
    parser.add_argument("--vocabulary", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.load_probe:
        print(json.dumps(load_probe(args.load_probe, args.vocabulary)))
        return 0
    problem = medspacy_missing()
    if problem:
        print(
            f"{problem}. This benchmark compares medspaCy's ConText with components/cues.py; the project does not\n"
            "depend on medspacy. Run it in a scratch copy of the venv with medspacy installed, e.g.\n"
            "  cp -a .venv /tmp/ctx-venv && /tmp/ctx-venv/bin/python -m pip install medspacy==1.3.1 negspacy==1.0.4\n"
            "  /tmp/ctx-venv/bin/python -m bench.context_compare",
            file=sys.stderr,
        )
        return 2
    has_negspacy = importlib.util.find_spec("negspacy") is not None
    load_average = [round(os.getloadavg()[0], 2)]

    from components.red_flags import RedFlagDetector, RedFlagMatcher

    cases = load_cases()
    texts = [c.text for c in cases]
    started = time.perf_counter()
    vocabulary = RedFlagDetector.with_speller(RedFlagDetector.read_vocabulary())  # the knowledge store, as training does
    print(f"vocabulary read and speller built in {time.perf_counter() - started:.1f} s; {len(cases)} cases", file=sys.stderr)
    speller = RedFlagDetector.speller_of(vocabulary)
    readers = {"shipped": ContextReader(prune=False), "tuned": ContextReader(prune=True)}
    negex = NegexReader() if has_negspacy else None
    cls = _matcher_class()
    table = variants(has_negspacy)
    descr = {name: v.description for name, v in table.items()}
    matchers = {
        name: RedFlagMatcher(vocabulary, speller)
        if v.policy is None
        else cls(vocabulary, speller, v.policy, readers[v.context], negex)
        for name, v in table.items()
    }
    levels = {name: [level(m, t) for t in texts] for name, m in matchers.items()}
    if levels["A="] != levels["A"]:
        print("the harness does not reproduce the detector (A= differs from A): results are not valid", file=sys.stderr)
        return 2
    summaries = {name: summarise(cases, lv) for name, lv in levels.items()}
    timing = per_sentence_ms(matchers, texts, args.rounds)

    with tempfile.TemporaryDirectory() as tmp:
        vocab_path = Path(tmp) / "vocabulary.json"
        vocab_path.write_text(json.dumps(vocabulary))
        load = measure_load(["own", "context"] + (["negspacy"] if has_negspacy else []), str(vocab_path), args.load_runs)

    load_average.append(round(os.getloadavg()[0], 2))
    versions = {p: importlib.metadata.version(p) for p in ("medspacy", "spacy", "negspacy") if importlib.util.find_spec(p)}
    date = datetime.date.today().isoformat()
    spacy_version = versions["spacy"]
    print(f"# ConText compared with components/cues.py ({date}; medspacy {versions.get('medspacy')}, spaCy {spacy_version})\n")
    counts = {s: sum(c.suite == s for c in cases) for s in SUITES}
    print("Inputs: " + ", ".join(f"{s} ({n})" for s, n in counts.items()))
    print(
        f"Time per sentence: median of {args.rounds} rounds over all cases, the whole `find` (matcher and decision); "
        f"1-minute load average {load_average[0]} at the start, {load_average[1]} at the end ({os.cpu_count()} CPUs)\n"
    )
    print(main_table(summaries, timing, MAIN, descr))
    print()
    print(trap_table(summaries, MAIN))
    print("\n## One cue at a time (A with one cue changed)\n")
    print(main_table(summaries, timing, [n for n in table if n not in MAIN], descr))
    print()
    print(trap_table(summaries, [n for n in table if n not in MAIN]))

    print("\n## Load and memory (fresh interpreter each, median)\n")
    print("| what | time | RSS |")
    print("|---|---|---|")
    own = load["own"]
    print(
        f"| the detector (import components.red_flags: rasa + spaCy) | {own['import_detector_s']:.2f} s "
        f"+ {own['build_detector_s']:.2f} s to build | {own['rss_detector_mib']:.0f} MiB |"
    )
    for kind, label in (
        ("context", "medspaCy ConText added (import, pipeline, 102 default rules)"),
        ("negspacy", "negspacy added"),
    ):
        if kind in load:
            mods = load[kind]["new_top_level_modules"]
            added = f"+{load[kind]['rss_added_mib']:.0f} MiB ({len(mods)} new top-level modules)"
            print(f"| {label} | +{load[kind]['reader_s']:.2f} s | {added} |")
    print(f"\nmodules ConText brings: {', '.join(load['context']['new_top_level_modules'])}")
    chain = requirement_chain("medspacy", "pytest")
    print("pytest is a runtime requirement of medspacy via: " + (" -> ".join(chain) if chain else "(not required)"))

    found = {}
    for other in ("B", "C"):
        tracer = cls(vocabulary, speller, lambda c: c.own(), readers[table[other].context], negex)
        policy = table[other].policy
        assert policy is not None
        found[f"A vs {other}"] = print_disagreements(cases, levels, "A", other, tracer, policy, args.examples)
    print("\n## Probes (hand-written, not in the suites)\n")
    print("| sentence | " + " | ".join(MAIN) + " |\n" + "|---" * (len(MAIN) + 1) + "|")
    probes = {text: {n: level(matchers[n], text) for n in MAIN} for text in PROBES}
    for text, got in probes.items():
        print(f"| {text} | " + " | ".join(got[n] for n in MAIN) + " |")

    args.out.mkdir(exist_ok=True)
    report = {
        "date": date,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_start_end": load_average,
        },
        "timing_rounds": args.rounds,
        "versions": versions,
        "suites": counts,
        "variants": {n: {"description": descr[n], **summaries[n], "ms_per_sentence": timing[n]} for n in table},
        "load": load,
        "pytest_requirement_chain": chain,
        "disagreements": found,
        "probes": probes,
    }
    (args.out / "context_compare.json").write_text(json.dumps(report, indent=1))
    print(f"\nwritten: {args.out / 'context_compare.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
