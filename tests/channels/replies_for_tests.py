"""A reply whose every field carries characters each channel must escape once (never twice)."""

from __future__ import annotations

from replies.model import Attachment, Button, Chart, Fact, Point, Reply, Series

SCRIPT = "<script>alert('x')</script> & more"
REPLY = Reply(
    kind="exercise",
    title="Lower back <release> & reset",
    intro="Lie on your back & breathe.",
    steps=('Place the ball 2.5" off the spine', "Roll < 30 s"),
    facts=(Fact("Hold", "15-30 s > per spot"),),
    bullets=("Softer ball if it's > 7/10",),
    outro="How does it feel <now>?",
    safety="Stop if pain > 7/10 & tingling.",
    buttons=(Button("Another", "/next_exercise"), Button("How often?", "/ask_dosage")),
)
YES_NO = [
    {"title": "None of these", "payload": "/deny"},
    {"title": "Yes, one applies", "payload": "/affirm"},
    {"title": "Why do you ask?", "payload": "/ask_why"},
]
#: a progress answer with its chart, and a data export
CHART_REPLY = Reply(
    kind="progress",
    title="Your progress",
    facts=(Fact("Last 7 days", "2 session(s)"),),
    chart=Chart(
        "Pain before and after each session",
        "2 session(s) logged: calf down 2 point(s).",
        (Series("Calf", (Point("2026-11-29", 6, 4), Point("2026-12-02", 5, 2))),),
    ),
)
EXPORT_REPLY = Reply(
    kind="data_export", intro="Here is your data.", attachment=Attachment("my-data.json", "application/json", '{"sessions": []}')
)
