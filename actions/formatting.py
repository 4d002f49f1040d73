"""One reply model, rendered per channel in one place.

Actions build a `Reply` (title, numbered steps, labelled facts, bullets, reminder) and call
`render(reply, channel)`: plain text for REST and Telegram, Markdown for the web widget,
Slack mrkdwn for Slack. Nothing else in the code base formats lists for a channel.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple


@dataclass
class Reply:
    title: str
    intro: Optional[str] = None
    steps: List[str] = field(default_factory=list)
    facts: List[Tuple[str, str]] = field(default_factory=list)  # ("Hold", "15-30 s per spot")
    bullets: List[str] = field(default_factory=list)
    reminder: Optional[str] = None


def _plain(reply: Reply) -> str:
    lines = [reply.title]
    if reply.intro:
        lines.append(reply.intro)
    lines += [f"{i}. {step}" for i, step in enumerate(reply.steps, 1)]
    lines += [f"{label}: {text}" for label, text in reply.facts]
    lines += [f"- {bullet}" for bullet in reply.bullets]
    if reply.reminder:
        lines.append(f"Safety: {reply.reminder}")
    return "\n".join(lines)


def _markdown(reply: Reply) -> str:
    """Markdown blocks separated by blank lines: rasa-webchat's parser (remark) does not let a list
    interrupt a paragraph, and Rasa's socket.io channel sends each block as its own bubble."""
    head = [f"**{reply.title}**"] + ([reply.intro] if reply.intro else [])
    blocks = ["  \n".join(head)]
    if reply.steps:
        blocks.append("\n".join(f"{i}. {step}" for i, step in enumerate(reply.steps, 1)))
    if reply.facts:
        blocks.append("  \n".join(f"**{label}:** {text}" for label, text in reply.facts))
    if reply.bullets:
        blocks.append("\n".join(f"- {bullet}" for bullet in reply.bullets))
    if reply.reminder:
        blocks.append(f"_Safety: {reply.reminder}_")
    return "\n\n".join(blocks)


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack(reply: Reply) -> str:
    e = _slack_escape
    lines = [f"*{e(reply.title)}*"]
    if reply.intro:
        lines.append(e(reply.intro))
    lines += [f"{i}. {e(step)}" for i, step in enumerate(reply.steps, 1)]
    lines += [f"*{e(label)}:* {e(text)}" for label, text in reply.facts]
    lines += [f"• {e(bullet)}" for bullet in reply.bullets]
    if reply.reminder:
        lines.append(f"_Safety: {e(reply.reminder)}_")
    return "\n".join(lines)


def _telegram_html(reply: Reply) -> str:
    e = html.escape
    lines = [f"<b>{e(reply.title)}</b>"]
    if reply.intro:
        lines.append(e(reply.intro))
    lines += [f"{i}. {e(step)}" for i, step in enumerate(reply.steps, 1)]
    lines += [f"<b>{e(label)}:</b> {e(text)}" for label, text in reply.facts]
    lines += [f"• {e(bullet)}" for bullet in reply.bullets]
    if reply.reminder:
        lines.append(f"<i>Safety: {e(reply.reminder)}</i>")
    return "\n".join(lines)


RENDERERS: Dict[str, Callable[[Reply], str]] = {
    "rest": _plain,
    "cmdline": _plain,
    "socketio": _markdown,
    "slack": _slack,
    "telegram": _telegram_html,
}


def render(reply: Reply, channel: str) -> str:
    """The reply as text for `channel` (plain text for channels not listed)."""
    return RENDERERS.get(channel, _plain)(reply)


def button(title: str, payload: str) -> Dict[str, str]:
    return {"title": title, "payload": payload}
