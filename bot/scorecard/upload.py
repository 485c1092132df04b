"""The chart into Slack with its current upload flow: files.getUploadURLExternal, the bytes POSTed to the
URL it gives, files.completeUploadExternal sharing the file in the channel in one message with the text
scorecard's blocks (slack_sdk's files_upload_v2 makes the three calls). Called from background work
only, never while answering Slack.

No `alt_txt` is sent: with it, Slack has been seen to upload the file but silently not share it
(python-slack-sdk issue 1818, a server-side issue still open). The message's own blocks are the text
alternative, the file's title says so, and the PNG carries its description in its metadata.
"""

from __future__ import annotations

import json

from slack_sdk import WebClient

HISTORY_PAGES = 5  # how far back a run that died mid-upload looks for its file (200 messages a page)


def share_chart(client: WebClient, *, channel: str, filename: str, title: str, png: bytes,
                blocks: list[dict]) -> str:
    """Upload the PNG and share it in `channel`, in one message with `blocks`. Returns the file's id."""
    done = client.files_upload_v2(channel=channel, file=png, filename=filename, title=title,
                                  blocks=json.dumps(blocks))
    return done["file"]["id"]


def find_shared(client: WebClient, *, channel: str, filename: str, oldest: float) -> str | None:
    """The id of a file named `filename` shared in `channel` since `oldest` (epoch seconds), if any."""
    cursor = None
    for _ in range(HISTORY_PAGES):
        page = client.conversations_history(channel=channel, oldest=f"{oldest:.6f}", limit=200, cursor=cursor)
        for message in page.get("messages") or []:
            for file in message.get("files") or []:
                if file.get("name") == filename:
                    return file.get("id")
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None
    return None
