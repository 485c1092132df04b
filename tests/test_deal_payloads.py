"""POST /webhooks/deal's bodies: Truce's own shape (Zapier), HubSpot's and Salesforce's, mapped onto one
set of fields; every mistake names the field as the sender called it. Pure (the route is tested end to end)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.deals.fields import DealInput
from bot.deals.payloads import parse
from bot.user_error import UserError

TODAY = date(2027, 2, 10)

TRUCE = {"deal_id": "D-42", "name": "Globex renewal", "account": "Globex", "amount": "12,000.50", "currency": "eur",
         "outcome": "Lost", "owner_email": "sam@truce-demo.example", "competitor": "initech inc",
         "closed_on": "2027-02-09"}
HUBSPOT_ALL_PROPERTIES = {  # "Include all deal properties": each one a {"value": ...}
    "objectId": 9876, "objectType": "DEAL",
    "properties": {"dealname": {"value": "Globex renewal", "timestamp": 1}, "amount": {"value": "12000.5"},
                   "deal_currency_code": {"value": "EUR"}, "dealstage": {"value": "closedlost"},
                   "closedate": {"value": "1802174400000"}, "owner_email": {"value": "sam@truce-demo.example"},
                   "competitor": {"value": "Initech"}, "account": {"value": "Globex"},
                   "hs_lastmodifieddate": {"value": "1802174400000"}},
}
HUBSPOT_CUSTOM_BODY = {"hs_object_id": "9876", "dealname": "Globex renewal", "amount": "12000.50",
                       "deal_currency_code": "EUR", "dealstage": "closedlost", "closedate": "2027-02-09T10:00:00Z",
                       "owner_email": "sam@truce-demo.example", "competitor": "Initech", "company": "Globex"}
SALESFORCE = {"attributes": {"type": "Opportunity"}, "Id": "0065g00000XyZAAA", "Name": "Globex renewal",
              "Account": {"Name": "Globex"}, "Amount": 12000.5, "CurrencyIsoCode": "EUR", "StageName": "Closed Lost",
              "IsClosed": True, "IsWon": False, "CloseDate": "2027-02-09", "Owner": {"Email": "sam@truce-demo.example"},
              "Competitor__c": "Initech", "Probability": 0}


def test_truces_own_shape():
    deal = parse(TRUCE, today=TODAY)
    assert deal == DealInput(deal_id="D-42", name="Globex renewal", account="Globex", outcome="lost",
                             owner_email="sam@truce-demo.example", closed_on=date(2027, 2, 9),
                             amount=Decimal("12000.50"), currency="EUR", competitor="initech inc", source="api")
    assert parse(TRUCE, hint="zapier", today=TODAY).source == "zapier"


@pytest.mark.parametrize("body", [HUBSPOT_ALL_PROPERTIES, HUBSPOT_CUSTOM_BODY])
def test_hubspot(body):
    deal = parse(body, timezone="Europe/Berlin", today=TODAY)
    assert (deal.deal_id, deal.source, deal.outcome, deal.amount, deal.currency, deal.closed_on, deal.account) == (
        "9876", "hubspot", "lost", Decimal("12000.50"), "EUR", date(2027, 2, 9), "Globex")


def test_salesforce():
    deal = parse(SALESFORCE, today=TODAY)
    assert (deal.deal_id, deal.source, deal.outcome, deal.account, deal.owner_email, deal.competitor) == (
        "0065g00000XyZAAA", "salesforce", "lost", "Globex", "sam@truce-demo.example", "Initech")
    won = parse({**SALESFORCE, "IsWon": "true", "StageName": "Negotiation"}, today=TODAY)
    assert won.outcome == "won"  # IsWon says it, whatever the org's stage is called


def test_the_same_deal_from_any_shape_has_one_fingerprint():
    prints = {parse(b, today=TODAY).fingerprint for b in (
        {**TRUCE, "deal_id": "9876", "competitor": "Initech", "amount": 12000.5}, HUBSPOT_CUSTOM_BODY)}
    assert len(prints) == 1


@pytest.mark.parametrize(("body", "field", "words"), [
    ({**TRUCE, "owner_mail": "x@y.z"}, "owner_mail", "Unknown field(s): owner_mail"),
    ({k: v for k, v in TRUCE.items() if k != "deal_id"}, "deal_id", "deal_id is required"),
    ({**TRUCE, "deal_id": True}, "deal_id", "must be text"),
    ({**TRUCE, "outcome": "pending"}, "outcome", "won or lost"),
    ({**TRUCE, "owner_email": "sam at example"}, "owner_email", "not an e-mail address"),
    ({**TRUCE, "amount": "lots"}, "amount", "not a number"),
    ({**TRUCE, "amount": -5}, "amount", "more than zero"),
    ({**TRUCE, "amount": float("nan")}, "amount", "must be a number"),
    ({**TRUCE, "currency": "EURO"}, "currency", "at most 3"),
    ({**TRUCE, "currency": "XYZ"}, "currency", "ISO 4217"),
    ({**TRUCE, "currency": None}, "currency", "required with an amount"),
    ({**TRUCE, "closed_on": "next week"}, "closed_on", "not a date"),
    ({**TRUCE, "closed_on": "2027-03-01"}, "closed_on", "in the future"),
    ({**TRUCE, "account": "", "name": None}, "account", "customer's name"),
    ({**TRUCE, "account": "x" * 151}, "account", "at most 150"),
    ({**TRUCE, "competitor": ["Initech"]}, "competitor", "must be text"),
    ({**HUBSPOT_CUSTOM_BODY, "dealstage": "appointmentscheduled"}, "dealstage", "not closed"),
    ({k: v for k, v in HUBSPOT_CUSTOM_BODY.items() if k != "dealstage"}, "dealstage", "dealstage is required"),
    ({**HUBSPOT_CUSTOM_BODY, "closedate": "soon"}, "closedate", "not a date"),
    ({**SALESFORCE, "IsClosed": False, "IsWon": False, "StageName": "Prospecting"}, "StageName", "not closed"),
    ({**SALESFORCE, "Owner": {"Email": None}}, "Owner.Email", "Owner.Email is required"),
])
def test_bad_input_names_the_field(body, field, words):
    with pytest.raises(UserError) as err:
        parse(body, today=TODAY)
    assert err.value.field == field and words in str(err.value), str(err.value)


def test_defaults_and_details():
    assert parse({**TRUCE, "currency": None}, today=TODAY, default_currency="GBP").currency == "GBP"
    no_amount = parse({**TRUCE, "amount": None, "currency": "EUR"}, today=TODAY)
    assert (no_amount.amount, no_amount.currency) == (None, None)
    assert parse({**TRUCE, "name": None}, today=TODAY).name == "Globex"
    assert parse({**TRUCE, "competitor": "  "}, today=TODAY).competitor is None
    assert parse({**TRUCE, "deal_id": 42}, today=TODAY).deal_id == "42"
    assert parse({**TRUCE, "closed_on": "2027-02-11"}, today=TODAY).closed_on == date(2027, 2, 11)  # a day ahead
    late = {**HUBSPOT_CUSTOM_BODY, "closedate": "2027-02-09T23:30:00Z"}
    assert parse(late, timezone="Europe/Berlin", today=TODAY).closed_on == date(2027, 2, 10)  # the local day
    with pytest.raises(UserError) as echoed:
        parse({**TRUCE, "owner_email": "<!channel>"}, today=TODAY)
    assert "&lt;!channel&gt;" in str(echoed.value)
