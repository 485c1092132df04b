"""The joint scorecard: the plan's actuals beside the plan, and the shared numbers over four quarters.

- `models`: actuals (per plan line, per owner), their history, the webhook's token, the charts posted;
- `fiscal`: quarters in the workspace's timezone and fiscal year (its first month is a setting);
- `actuals`, `actuals_csv`, `actuals_webhook`: recording actuals by command or form, CSV paste, webhook;
- `export`: the plan's CSV with plan, actual and variance columns;
- `metrics`: the scorecard's numbers, computed in SQL over indexed columns;
- `numbers`: what a scorecard is (per quarter, with the change against the quarter before);
- `blocks_scorecard`: pure Block Kit and text builders (the text scorecard, the alt text, forms, App Home);
- `chart`: the PNG (matplotlib, Agg), imported only by the code that draws.
"""
