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
    """A file for the person (their data export): each channel delivers it its own way.

    For a channel in LINK_CHANNELS the action has already stored the file as a one-time export
    (the user-data store) and sends only `link_token`, so the channel renders a link and stores
    nothing; the others get `content` and send the file itself."""

    name: str
    media_type: str
    content: str = ""
    link_token: Optional[str] = None

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"name": self.name, "media_type": self.media_type, "content": self.content}
        if self.link_token:
            out["link_token"] = self.link_token
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Optional[Attachment]:
        """The attachment, or None when it holds neither a file nor a link token."""
        content, token = raw.get("content"), raw.get("link_token")
        if not content and not token:
            return None
        return cls(str(raw.get("name")), str(raw.get("media_type")), str(content or ""), str(token) if token else None)


#: channels that deliver an attachment as a one-time download link on their own route
#: (the widget: channels/socketio.py serves /webhooks/socketio/export/<token>)
LINK_CHANNELS = frozenset({"socketio"})


@dataclass(frozen=True)
class ZoneLabel:
    """A numbered zone of the body map: the area it sends, its name, the payload of its button."""

    number: int
    area: str
    name: str
    payload: str


@dataclass(frozen=True)
class Picture:
    """A picture drawn from the project's body figure (replies.pictures): the body map to pick an
    area (`zones`), or where an exercise's tool goes (`exercise`, `area`). `alt` is shown beside it."""

    kind: str  # body_map | placement
    alt: str
    title: Optional[str] = None
    exercise: Optional[str] = None
    area: Optional[str] = None
    zones: Tuple[ZoneLabel, ...] = ()

    def to_json(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"kind": self.kind, "alt": self.alt}
        for name in ("title", "exercise", "area"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        if self.zones:
            out["zones"] = [{"number": z.number, "area": z.area, "name": z.name, "payload": z.payload} for z in self.zones]
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Picture:
        zones = tuple(
            ZoneLabel(int(z.get("number", 0)), str(z.get("area", "")), str(z.get("name", "")), str(z.get("payload", "")))
            for z in raw.get("zones") or []
            if isinstance(z, Mapping)
        )
        return cls(
            kind=str(raw.get("kind", "")),
            alt=str(raw.get("alt", "")),
            title=_text(raw.get("title")),
            exercise=_text(raw.get("exercise")),
            area=_text(raw.get("area")),
            zones=zones,
        )


@dataclass(frozen=True)
class Timer:
    """A hold timer the widget can run in the page: its seconds, button label and the words at the end."""

    seconds: int
    label: str  # "Start a 45 s timer"
    done: str  # said (and announced) when it ends

    def to_json(self) -> Dict[str, Any]:
        return {"seconds": self.seconds, "label": self.label, "done": self.done}


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
    picture: Optional[Picture] = None
    timer: Optional[Timer] = None
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
            out["attachment"] = self.attachment.to_json()
        if self.picture:
            out["picture"] = self.picture.to_json()
        if self.timer:
            out["timer"] = self.timer.to_json()
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
        picture = payload.get("picture")
        timer = payload.get("timer")
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
            attachment=Attachment.from_json(attachment) if isinstance(attachment, Mapping) else None,
            picture=Picture.from_json(picture) if isinstance(picture, Mapping) and picture.get("kind") else None,
            timer=_timer(timer) if isinstance(timer, Mapping) else None,
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


def _timer(raw: Mapping[str, Any]) -> Optional[Timer]:
    seconds = raw.get("seconds")
    if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds <= 0:
        return None
    return Timer(seconds, str(raw.get("label", "")), str(raw.get("done", "")))


def _number(value: Any) -> Optional[float]:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
