"""One reply, rendered per channel with the right escaping."""

from actions.formatting import Reply, render

REPLY = Reply(
    title="Calf <roll> & more",
    intro="You'll need: a ball.",
    steps=["Sit down.", "Roll <slowly> & breathe."],
    facts=[("Hold", "15-30 s")],
    bullets=["Careful: off the Achilles."],
    reminder="stop if it tingles.",
)


def test_plain_text_for_rest() -> None:
    assert render(REPLY, "rest") == (
        "Calf <roll> & more\nYou'll need: a ball.\n1. Sit down.\n2. Roll <slowly> & breathe.\n"
        "Hold: 15-30 s\n- Careful: off the Achilles.\nSafety: stop if it tingles."
    )


def test_markdown_for_the_web_widget() -> None:
    text = render(REPLY, "socketio")
    assert text.startswith("**Calf <roll> & more**") and "\n1. Sit down.\n" in text and "**Hold:** 15-30 s" in text


def test_slack_mrkdwn_escapes_control_characters() -> None:
    text = render(REPLY, "slack")
    assert text.startswith("*Calf &lt;roll&gt; &amp; more*")
    assert "2. Roll &lt;slowly&gt; &amp; breathe." in text


def test_telegram_html_escapes() -> None:
    text = render(REPLY, "telegram")
    assert text.startswith("<b>Calf &lt;roll&gt; &amp; more</b>")
    assert "<i>Safety: stop if it tingles.</i>" in text


def test_unknown_channel_gets_plain_text() -> None:
    assert render(REPLY, "somewhere") == render(REPLY, "rest")
