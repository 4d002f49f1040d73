"""A reply as plain text: the fallback text sent beside every structured reply, and the REST
channel's `text`. Numbered steps, "Label: text" facts, "- " bullets, the closing question, then the safety line."""

from __future__ import annotations

from typing import List

from replies.model import Reply


def render(reply: Reply) -> str:
    lines: List[str] = []
    if reply.title:
        lines.append(reply.title)
    if reply.intro:
        lines.append(reply.intro)
    lines += [f"{i}. {step}" for i, step in enumerate(reply.steps, 1)]
    lines += [f"{fact.label}: {fact.text}" for fact in reply.facts]
    lines += [f"- {bullet}" for bullet in reply.bullets]
    if reply.chart:
        lines.append(reply.chart.alt)
    if reply.outro:
        lines.append(reply.outro)
    if reply.safety:
        lines.append(reply.safety)
    return "\n".join(lines)
