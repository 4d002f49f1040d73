"""The reply model and its JSON form (the custom payload the tracker keeps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

#: the key that marks a custom payload as one of ours, with the format version
MARKER = "tpc_reply"
VERSION = 1


@dataclass(frozen=True)
class Button:
    title: str
    payload: str

    def to_json(self) -> Dict[str, str]:
        return {"title": self.title, "payload": self.payload}


@dataclass(frozen=True)
class Fact:
    label: str
    text: str


@dataclass(frozen=True)
class Point:
    """One logged session on a chart: when, and pain before and after (0-10, None if not given)."""

    day: str  # ISO date
    before: Optional[float]
    after: Optional[float]


@dataclass(frozen=True)
class Series:
    name: str  # the body area's display name
    points: Tuple[Point, ...]


@dataclass(frozen=True)
class Chart:
    """A pain-over-time chart; channels draw it (replies.chart) and show `alt` beside it."""

    title: str
    alt: str
    series: Tuple[Series, ...]


@dataclass(frozen=True)
class Attachment:
    """A file for the person (their data export): each channel delivers it its own way."""

    name: str
    media_type: str
    content: str


@dataclass(frozen=True)
class Reply:
    """One bot message as data.

    kind names what the reply is (exercise, checklist, referral, emergency, recommendation...),
    so tests and channels never have to read the wording.
    """

    kind: str
    title: Optional[str] = None
    intro: Optional[str] = None
    steps: Tuple[str, ...] = ()
    facts: Tuple[Fact, ...] = ()
    bullets: Tuple[str, ...] = ()
    outro: Optional[str] = None  # a closing line before the buttons (a question)
    safety: Optional[str] = None
    buttons: Tuple[Button, ...] = ()
    chart: Optional[Chart] = None
    attachment: Optional[Attachment] = None
    data: Mapping[str, Any] = field(default_factory=dict)  # machine-readable extras (ids, numbers)

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {MARKER: VERSION, "kind": self.kind}
        if self.title:
            out["title"] = self.title
        if self.intro:
            out["intro"] = self.intro
        if self.steps:
            out["steps"] = list(self.steps)
        if self.facts:
            out["facts"] = [{"label": f.label, "text": f.text} for f in self.facts]
        if self.bullets:
            out["bullets"] = list(self.bullets)
        if self.outro:
            out["outro"] = self.outro
        if self.safety:
            out["safety"] = self.safety
        if self.buttons:
            out["buttons"] = [b.to_json() for b in self.buttons]
        if self.chart:
            out["chart"] = {
                "title": self.chart.title,
                "alt": self.chart.alt,
                "series": [
                    {"name": s.name, "points": [{"day": p.day, "before": p.before, "after": p.after} for p in s.points]}
                    for s in self.chart.series
                ],
            }
        if self.attachment:
            out["attachment"] = {
                "name": self.attachment.name,
                "media_type": self.attachment.media_type,
                "content": self.attachment.content,
            }
        if self.data:
            out["data"] = dict(self.data)
        return out

    @classmethod
    def from_json(cls, payload: Any) -> Optional[Reply]:
        """The reply in a custom payload, or None when the payload is not one of ours."""
        if not isinstance(payload, Mapping) or payload.get(MARKER) != VERSION or not isinstance(payload.get("kind"), str):
            return None
        chart = payload.get("chart")
        attachment = payload.get("attachment")
        return cls(
            kind=payload["kind"],
            title=_text(payload.get("title")),
            intro=_text(payload.get("intro")),
            steps=tuple(_texts(payload.get("steps"))),
            facts=tuple(
                Fact(str(f.get("label", "")), str(f.get("text", "")))
                for f in payload.get("facts") or []
                if isinstance(f, Mapping)
            ),
            bullets=tuple(_texts(payload.get("bullets"))),
            outro=_text(payload.get("outro")),
            safety=_text(payload.get("safety")),
            buttons=tuple(buttons(payload.get("buttons"))),
            chart=_chart(chart) if isinstance(chart, Mapping) else None,
            attachment=(
                Attachment(str(attachment.get("name")), str(attachment.get("media_type")), str(attachment.get("content")))
                if isinstance(attachment, Mapping) and attachment.get("content")
                else None
            ),
            data=dict(payload.get("data") or {}),
        )


def buttons(raw: Any) -> List[Button]:
    """Buttons from Rasa's `[{"title", "payload"}]` list, skipping malformed ones."""
    out = []
    for item in raw or []:
        if isinstance(item, Mapping) and item.get("payload"):
            out.append(Button(str(item.get("title") or item["payload"]), str(item["payload"])))
    return out


def _text(value: Any) -> Optional[str]:
    return str(value) if value else None


def _texts(values: Any) -> Sequence[str]:
    return [str(v) for v in values or [] if v]


def _chart(raw: Mapping[str, Any]) -> Chart:
    series = []
    for s in raw.get("series") or []:
        points = tuple(
            Point(str(p.get("day")), _number(p.get("before")), _number(p.get("after")))
            for p in s.get("points") or []
            if isinstance(p, Mapping)
        )
        series.append(Series(str(s.get("name", "")), points))
    return Chart(str(raw.get("title", "")), str(raw.get("alt", "")), tuple(series))


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
