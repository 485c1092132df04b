"""Slack's Block Kit limits, as the emulator enforces them (a subset of Slack's own checks).

Each function returns a list of error strings in Slack's style; empty means valid.
"""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
KNOWN_BLOCKS = {"section", "divider", "header", "context", "actions", "input", "image", "rich_text", "video"}
KNOWN_ELEMENTS = {
    "button", "static_select", "external_select", "users_select", "conversations_select",
    "channels_select", "multi_static_select", "multi_users_select", "multi_conversations_select",
    "multi_channels_select", "overflow", "datepicker", "timepicker", "datetimepicker", "plain_text_input",
    "checkboxes", "radio_buttons", "number_input", "url_text_input", "email_text_input", "image",
    "rich_text_input",
}


def _text_len(obj: Any) -> int:
    return len(obj.get("text", "")) if isinstance(obj, dict) else 0


def _check_text(errors: list[str], where: str, obj: Any, limit: int, *, required: bool = False) -> None:
    if obj is None:
        if required:
            errors.append(f"missing required field: text [{where}]")
        return
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        errors.append(f"invalid text object [{where}]")
        return
    if _text_len(obj) > limit:
        errors.append(f"must be less than {limit + 1} characters [{where}]")
    if required and not obj.get("text"):
        errors.append(f"must be more than 0 characters [{where}]")


def _check_options(errors: list[str], where: str, options: list, *, most: int, fewest: int = 1) -> None:
    if not (fewest <= len(options) <= most):
        errors.append(f"must provide between {fewest} and {most} options [{where}]")
    for i, opt in enumerate(options):
        _check_text(errors, f"{where}/{i}/text", opt.get("text"), 75, required=True)
        if len(str(opt.get("value", ""))) > 150:
            errors.append(f"must be less than 151 characters [{where}/{i}/value]")


def _check_element(errors: list[str], where: str, el: dict) -> None:
    kind = el.get("type")
    if kind not in KNOWN_ELEMENTS:
        errors.append(f"unsupported type: {kind} [{where}]")
        return
    if len(el.get("action_id", "")) > 255:
        errors.append(f"must be less than 256 characters [{where}/action_id]")
    if kind == "button":
        _check_text(errors, f"{where}/text", el.get("text"), 75, required=True)
        if len(el.get("value", "")) > 2000:
            errors.append(f"must be less than 2001 characters [{where}/value]")
        if len(el.get("url", "")) > 3000:
            errors.append(f"must be less than 3001 characters [{where}/url]")
    elif kind == "overflow":
        _check_options(errors, f"{where}/options", el.get("options", []), most=5, fewest=1)
    elif kind in ("static_select", "multi_static_select", "radio_buttons", "checkboxes"):
        if "option_groups" not in el:
            _check_options(errors, f"{where}/options", el.get("options", []), most=100)
    elif kind == "plain_text_input":
        if el.get("max_length", 0) > 3000:
            errors.append(f"must be less than 3001 [{where}/max_length]")
        if len(el.get("initial_value", "")) > 3000:
            errors.append(f"must be less than 3001 characters [{where}/initial_value]")


def _check_block(errors: list[str], where: str, block: dict, seen_ids: set[str]) -> None:
    kind = block.get("type")
    if kind not in KNOWN_BLOCKS:
        errors.append(f"unsupported type: {kind} [{where}]")
        return
    block_id = block.get("block_id")
    if block_id is not None:
        if len(block_id) > 255:
            errors.append(f"must be less than 256 characters [{where}/block_id]")
        if block_id in seen_ids:
            errors.append(f"duplicate block_id: {block_id} [{where}/block_id]")
        seen_ids.add(block_id)
    if kind == "section":
        if block.get("text") is None and not block.get("fields"):
            errors.append(f"must provide text or fields [{where}]")
        _check_text(errors, f"{where}/text", block.get("text"), 3000)
        fields = block.get("fields") or []
        if len(fields) > 10:
            errors.append(f"must provide no more than 10 items [{where}/fields]")
        for i, f in enumerate(fields):
            _check_text(errors, f"{where}/fields/{i}", f, 2000)
        if block.get("accessory"):
            _check_element(errors, f"{where}/accessory", block["accessory"])
    elif kind == "header":
        _check_text(errors, f"{where}/text", block.get("text"), 150, required=True)
    elif kind == "context":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= 10:
            errors.append(f"must provide between 1 and 10 items [{where}/elements]")
        for i, el in enumerate(elements):
            if el.get("type") in ("plain_text", "mrkdwn"):
                _check_text(errors, f"{where}/elements/{i}", el, 3000)
    elif kind == "actions":
        elements = block.get("elements") or []
        if not 1 <= len(elements) <= 25:
            errors.append(f"must provide between 1 and 25 items [{where}/elements]")
        for i, el in enumerate(elements):
            _check_element(errors, f"{where}/elements/{i}", el)
    elif kind == "input":
        _check_text(errors, f"{where}/label", block.get("label"), 2000, required=True)
        if not block.get("element"):
            errors.append(f"missing required field: element [{where}]")
        else:
            _check_element(errors, f"{where}/element", block["element"])


def validate_blocks(blocks: list[dict], *, limit: int = MESSAGE_BLOCKS) -> list[str]:
    errors: list[str] = []
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:/blocks]")
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        if not isinstance(block, dict):
            errors.append(f"must be an object [json-pointer:/blocks/{i}]")
            continue
        _check_block(errors, f"json-pointer:/blocks/{i}", block, seen)
    return errors


def validate_view(view: dict) -> list[str]:
    errors: list[str] = []
    if view.get("type") not in ("modal", "home"):
        errors.append("must be modal or home [json-pointer:/view/type]")
    if view.get("type") == "modal":
        _check_text(errors, "json-pointer:/view/title", view.get("title"), 24, required=True)
        for key in ("submit", "close"):
            _check_text(errors, f"json-pointer:/view/{key}", view.get(key), 24)
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []))
        if has_input and not view.get("submit"):
            errors.append("submit is required when an input block is present [json-pointer:/view/submit]")
    if len(view.get("private_metadata", "")) > 3000:
        errors.append("must be less than 3001 characters [json-pointer:/view/private_metadata]")
    if len(view.get("callback_id", "")) > 255:
        errors.append("must be less than 256 characters [json-pointer:/view/callback_id]")
    errors.extend(validate_blocks(view.get("blocks", []), limit=VIEW_BLOCKS))
    return errors
