"""What `POST /webhooks/deal` accepts: one closed deal as a HubSpot workflow, a Salesforce Flow or a
Zapier step sends it, mapped onto the fields Truce keeps (bot/deals/fields.py). Pure.

- Truce's own shape (Zapier's "Webhooks by Zapier" POST, curl, anything else): a flat JSON object with
  deal_id, name, account, amount, currency, outcome (won/lost), owner_email, competitor, closed_on.
  Unknown keys are refused, so a typo (`owner_mail`) is told rather than dropped.
- HubSpot ("Send a webhook" in a deal workflow): the deal's properties, flat or under "properties"
  (each a value or {"value": ...}); the deal id is hs_object_id (or objectId). Other properties are ignored.
- Salesforce (a Flow's HTTP callout with the Opportunity): Id, Name, Account.Name, Amount,
  CurrencyIsoCode, IsWon/IsClosed or StageName, Owner.Email, CloseDate, a competitor field. Other fields
  are ignored.

`MAPPINGS` lists, per shape, which keys feed each field; errors name the key the sender used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, NoReturn

from bot.deals.fields import FIELDS, DealInput, UserError, validate
from bot.slack_text import esc

SHAPES = ("truce", "hubspot", "salesforce")
# shape -> field -> the keys it is read from, first found wins ("Account.Name": Name inside Account).
MAPPINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "truce": {f: (f,) for f in FIELDS},
    "hubspot": {
        "deal_id": ("hs_object_id", "objectId", "deal_id"),
        "name": ("dealname",),
        "account": ("account", "company", "company_name"),
        "amount": ("amount",),
        "currency": ("deal_currency_code", "currency"),
        "outcome": ("dealstage",),
        "owner_email": ("owner_email", "hubspot_owner_email"),
        "competitor": ("competitor", "competitors", "main_competitor"),
        "closed_on": ("closedate",),
    },
    "salesforce": {
        "deal_id": ("Id",),
        "name": ("Name",),
        "account": ("Account.Name", "AccountName", "Account_Name__c"),
        "amount": ("Amount",),
        "currency": ("CurrencyIsoCode",),
        "outcome": ("StageName",),
        "owner_email": ("Owner.Email", "OwnerEmail", "Owner_Email__c"),
        "competitor": ("Competitor__c", "MainCompetitors__c", "Competitor"),
        "closed_on": ("CloseDate",),
    },
}
HUBSPOT_STAGES = {"closedwon": "won", "closedlost": "lost"}
SALESFORCE_STAGES = {"closed won": "won", "closed lost": "lost"}


@dataclass(frozen=True)
class Shape:
    name: str  # truce | hubspot | salesforce
    data: dict[str, Any]  # flattened: HubSpot's {"value": ...} unwrapped


def _flat_hubspot(data: Mapping[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in data.items() if k != "properties"}
    props = data.get("properties")
    if isinstance(props, Mapping):
        for key, value in props.items():
            flat[key] = value.get("value") if isinstance(value, Mapping) and "value" in value else value
    if "hs_object_id" not in flat and "objectId" in data:
        flat["hs_object_id"] = data["objectId"]
    return flat


def detect(data: Mapping[str, Any], hint: str | None = None) -> Shape:
    """Which CRM sent this (`hint`: ?source=hubspot|salesforce|zapier forces it)."""
    hint = (hint or "").lower()
    hubspot_keys = {"dealname", "dealstage", "hs_object_id", "closedate", "objectId", "properties"}
    salesforce_keys = {"StageName", "IsWon", "IsClosed", "CloseDate", "CurrencyIsoCode"}
    attributes = data.get("attributes")
    if hint == "hubspot" or (not hint and hubspot_keys & set(data)):
        return Shape("hubspot", _flat_hubspot(data))
    if hint == "salesforce" or (not hint and (salesforce_keys & set(data) or (
            isinstance(attributes, Mapping) and attributes.get("type") == "Opportunity"))):
        return Shape("salesforce", dict(data))
    return Shape("truce", dict(data))


def _get(data: Mapping[str, Any], key: str) -> Any:
    head, _, rest = key.partition(".")
    value = data.get(head)
    if rest:
        return _get(value, rest) if isinstance(value, Mapping) else None
    return value


def _pick(shape: Shape, field: str) -> tuple[Any, str]:
    keys = MAPPINGS[shape.name][field]
    for key in keys:
        value = _get(shape.data, key)
        if value is not None and value != "":
            return value, key
    return None, keys[0]


def _truthy(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _outcome(shape: Shape) -> tuple[Any, str]:
    """The outcome as "won"/"lost" (or what was sent, for the error), and the key it came from."""
    data = shape.data
    if shape.name == "hubspot":
        stage = data.get("dealstage")
        if isinstance(stage, str) and stage.strip().lower() in HUBSPOT_STAGES:
            return HUBSPOT_STAGES[stage.strip().lower()], "dealstage"
        won, closed = _truthy(data.get("hs_is_closed_won")), _truthy(data.get("hs_is_closed"))
        if won is not None and (won or closed):  # a custom pipeline's stages are ids: HubSpot's own flags
            return ("won" if won else "lost"), "hs_is_closed_won"
        _not_closed("dealstage", stage, "closedwon or closedlost (or hs_is_closed_won with hs_is_closed)")
    if shape.name == "salesforce":
        won, closed = _truthy(data.get("IsWon")), _truthy(data.get("IsClosed"))
        if won is not None and (won or closed):
            return ("won" if won else "lost"), "IsWon"
        stage = data.get("StageName")
        if isinstance(stage, str) and " ".join(stage.lower().split()) in SALESFORCE_STAGES:
            return SALESFORCE_STAGES[" ".join(stage.lower().split())], "StageName"
        _not_closed("StageName", stage, "Closed Won or Closed Lost (or IsWon with IsClosed true)")
    return _pick(shape, "outcome")


def _not_closed(key: str, stage: Any, expected: str) -> NoReturn:
    if stage in (None, ""):
        raise UserError(f"{key} is required: {expected}.", field=key)
    raise UserError(f"{key}: the deal is not closed (it is “{esc(str(stage))[:40]}”). Send deals from a "
                    f"workflow that runs when they are won or lost: {expected}.", field=key)


def unknown_keys(shape: Shape) -> list[str]:
    """Keys Truce's own shape does not know (the CRM shapes carry many and are never refused for them)."""
    return sorted(set(shape.data) - set(FIELDS)) if shape.name == "truce" else []


def parse(data: Mapping[str, Any], *, hint: str | None = None, timezone: str = "UTC", today: date | None = None,
          default_currency: str | None = None) -> DealInput:
    """The webhook's JSON object as a checked DealInput, or UserError naming the key that is wrong."""
    if not isinstance(data, Mapping):
        raise UserError("Send one deal as a JSON object.", field="body")
    shape = detect(data, hint)
    unknown = unknown_keys(shape)
    if unknown:
        raise UserError(f"Unknown field(s): {', '.join(unknown)}. Known: {', '.join(FIELDS)}.", field=unknown[0])
    raw: dict[str, Any] = {}
    names: dict[str, str] = {}
    for field in FIELDS:
        raw[field], names[field] = _outcome(shape) if field == "outcome" else _pick(shape, field)
    hint = (hint or "").lower()
    source = shape.name if shape.name != "truce" else ("zapier" if hint == "zapier" else "api")
    return validate(raw, names=names, source=source, timezone=timezone, today=today,
                    default_currency=default_currency)
