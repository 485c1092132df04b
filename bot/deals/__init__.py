"""Closed deals from the CRM: `POST /webhooks/deal` (HubSpot, Salesforce or Zapier shapes, mapped to
one set of fields) and a CSV import, stored once per deal id; the deal's owner (found by e-mail) is
asked to confirm why it was won or lost, and the answer becomes a win/loss entry."""
