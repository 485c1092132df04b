"""/intel <text>: who gets the share, what the post says, the sharer's confirmation, and every
kind of bad input answered specifically with nothing posted."""

from __future__ import annotations

import pytest

from bot.models import Outbox, Workspace
from bot.sandbox.seed import JOINT, LEE, MARK, MARKETING, OLIVE, SALES, SAM
from tests.intel_helpers import no_dns, posts, shares  # noqa: F401 - fixture
from tests.message_text import all_text

SHARE = "#pricing Acme cut list prices by 20% for new logos vs:Acme <https://acme.example/pricing>"


def test_a_marketers_share_goes_to_sales_and_the_joint_channel(stack):
    response = stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert response.status_code == 200
    assert stack.state.messages(MARKETING) == []
    [to_sales], [to_joint] = stack.state.messages(SALES), stack.state.messages(JOINT)
    for post in (to_sales, to_joint):
        text = all_text(post)
        assert "*Pricing intel* from *marketing*" in text
        assert "vs *Acme*" in text
        assert "Acme cut list prices by 20% for new logos" in text
        assert "<https://acme.example/pricing|" in text
        assert f"Shared by <@{MARK}>" in text
        labels = [e["text"]["text"] for b in post.blocks if b.get("block_id", "").startswith("intel_actions_")
                  for e in b["elements"] if e["type"] == "button"]
        assert labels == [":+1: Useful", ":speech_balloon: Discuss", ":crossed_swords: vs Acme"]
    feedback = [e["text"]["text"] for b in to_sales.blocks if b.get("block_id", "").startswith("intel_feedback_")
                for e in b["elements"]]
    assert feedback == ["Acted on", "Used in a deal", "Not relevant", "Add a note"]  # sales was the audience
    assert not any(b.get("block_id", "").startswith("intel_feedback_") for b in to_joint.blocks)
    [share] = shares(stack)
    assert (share.kind, share.competitor, share.link, share.from_team, share.via) == (
        "pricing", "Acme", "https://acme.example/pricing", "marketing", "command")
    recorded = posts(stack, share.id)
    assert {(p.role, p.channel) for p in recorded} == {("sales", SALES), ("joint", JOINT)}
    with stack.rt.session() as s:
        sent = {s.get(Outbox, p.outbox_id).posted_ts for p in recorded}
    assert sent == {to_sales.ts, to_joint.ts}


def test_the_sharer_gets_links_to_the_posts(stack):
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    assert stack.driver.answer_text() == f":inbox_tray: Saved. Your intel is on its way to <#{SALES}> and <#{JOINT}>."
    [note] = stack.state.ephemerals_for(MARK)  # that answer, replaced once the posts are out: one note
    assert "shared with the other team" in note.text
    for channel in (SALES, JOINT):
        ts = stack.state.messages(channel)[0].ts.replace(".", "")
        assert f"<#{channel}>: <https://truce-demo.slack.com/archives/{channel}/p{ts}|view the post>" in note.text
    assert [p.permalink for p in posts(stack, shares(stack)[0].id)] == [
        f"https://truce-demo.slack.com/archives/{c}/p{stack.state.messages(c)[0].ts.replace('.', '')}"
        for c in (SALES, JOINT)]


def test_a_sellers_share_goes_to_marketing(stack):
    stack.driver.command(SAM, "/intel", "Prospects keep asking about SSO", channel=SALES)
    assert stack.state.messages(SALES) == []
    assert len(stack.state.messages(MARKETING)) == 1 and len(stack.state.messages(JOINT)) == 1
    post = stack.state.messages(MARKETING)[0]
    assert "*Market intel* from *sales*" in all_text(post)


@pytest.mark.parametrize("who, words", [(LEE, "sales and marketing"), (OLIVE, "outside sales and marketing")])
def test_someone_on_both_or_neither_team_reaches_both_channels(stack, who, words):
    stack.driver.command(who, "/intel", "#trend Buyers want usage-based pricing")
    for channel in (SALES, MARKETING, JOINT):
        [post] = stack.state.messages(channel)
        assert f"*Trend intel* from *{words}*" in all_text(post)


def test_a_competitor_name_can_have_spaces(stack):
    stack.driver.command(MARK, "/intel", 'Big Co launched a free tier vs:"Big Co"')
    [share] = shares(stack)
    assert share.competitor == "Big Co" and share.competitor_key == "big co"
    assert share.summary == "Big Co launched a free tier"


def test_text_can_never_ping_a_channel_or_a_group(stack):
    stack.driver.command(MARK, "/intel", "<!channel> <!here> <!everyone> <!subteam^S0SALES|@sales-team> "
                                         "&lt;!here&gt; big news from <@USAM001|sam>")
    for channel in (SALES, JOINT):
        [post] = stack.state.messages(channel)
        raw = post.text + str(post.blocks)
        assert "<!" not in raw
        assert "@channel @here @everyone @sales-team &lt;!here&gt; big news from <@USAM001>" in all_text(post)


def test_help_explains_everything(stack):
    stack.driver.command(SAM, "/intel", "help")
    body = stack.driver.answer()
    for words in ("/intel #pricing", "vs:Acme", "/intel search", "Share as market intel", ":bulb:", "Retract",
                  "/intel emoji", "/intel digest"):
        assert words in body["text"], words
    assert stack.state.messages(MARKETING) == []


# --- bad input: a specific answer, what they typed echoed, nothing posted -------------------------------


@pytest.mark.parametrize("typed, expected", [
    ("#pricing", "Say what you learned, like `/intel #pricing"),
    ("#pricing   vs:Acme", "Say what you learned"),
    ("#rumour Acme is hiring", "I don't know the kind `#rumour`. Use one of `#competitor`, `#pricing`, "
                               "`#product`, `#trend`, `#customer`, `#other`"),
    ("Acme pricing page htp://acme.example/pricing", "not a web link: links must start with http:// or https://"),
    ("Acme pricing page <https://>", "has no valid address"),
    ("Acme is cheaper vs:", "Put the competitor right after `vs:`"),
    ("x" * 3001, "That is 3,001 characters; a share can be at most 3,000"),
])
def test_bad_input_gets_a_specific_answer_and_nothing_is_posted(stack, typed, expected):
    response = stack.driver.command(MARK, "/intel", typed)
    assert response.status_code == 200
    [note] = stack.state.ephemerals_for(MARK)
    assert expected in note.text
    assert "Here is what you typed" in note.text
    assert typed.replace("<https://>", "https://")[:200] in note.text
    assert shares(stack) == []
    assert all(stack.state.messages(c) == [] for c in (SALES, MARKETING, JOINT))


def test_an_unset_channel_is_explained_and_nothing_is_posted(stack):
    with stack.rt.session() as s:
        s.get(Workspace, stack.team_id).joint_channel = None
    stack.driver.command(MARK, "/intel", SHARE)
    [note] = stack.state.ephemerals_for(MARK)
    assert "the joint channel is not chosen" in note.text and "/truce setup" in note.text
    assert "Here is what you typed" in note.text and "vs:Acme" in note.text
    assert shares(stack) == []
    assert stack.state.messages(SALES) == []


def test_typed_text_is_echoed_escaped(stack):
    stack.driver.command(MARK, "/intel", "#gossip <!channel> &lt;b&gt;")
    [note] = stack.state.ephemerals_for(MARK)
    assert "<!channel>" not in note.text
    assert "@channel &lt;b&gt;" in note.text


def test_a_failure_after_the_ack_is_told_with_an_error_id_and_what_was_typed(stack, monkeypatch):
    from bot.intel import share as intel

    def broken(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(intel, "create_share", broken)
    stack.driver.command(MARK, "/intel", "Acme cut prices vs:Acme")
    [note] = stack.state.ephemerals_for(MARK)
    assert "something went wrong on Truce's side (error id" in note.text
    assert "/intel Acme cut prices vs:Acme" in note.text
    assert stack.state.messages(SALES) == []


def test_shares_sent_together_each_get_one_true_note_with_links(stack):
    """Posts of concurrent shares are sent by whichever sender gets there first: each sharer is still
    told where their own share landed (never "Slack is busy" while it was posted), with links."""
    import threading

    from tests.intel_helpers import posts

    barrier = threading.Barrier(6)

    def share(i: int) -> None:
        barrier.wait()
        stack.driver.command(MARK, "/intel", f"Finding {i}: a rival cut prices", channel=MARKETING)

    threads = [threading.Thread(target=share, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stack.settle()
    notes = stack.state.ephemerals_for(MARK)
    assert len(notes) == 6
    assert all("shared with the other team" in n.text and "busy" not in n.text for n in notes), notes
    assert all(p.permalink for s in shares(stack) for p in posts(stack, s.id))


def test_the_sharer_is_told_even_when_slack_never_answers_for_the_links(stack):
    """Found by bench/soak.py: a permalink that Slack does not answer (a dropped connection, a time-out)
    must not swallow the sharer's confirmation."""
    stack.state.fail_next("chat.getPermalink", late=0, answer=False, times=4)  # every try, retries too
    stack.driver.command(MARK, "/intel", SHARE, channel=MARKETING)
    [note] = stack.state.ephemerals_for(MARK)  # the answer, replaced: one note
    assert "shared with the other team" in note.text
    assert f"<#{SALES}>: posted" in note.text and f"<#{JOINT}>: posted" in note.text
