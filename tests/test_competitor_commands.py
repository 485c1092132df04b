"""What leads type to change the competitor list, and `/intel vs <name>`."""

from __future__ import annotations

import pytest

from bot.competitors.commands import ListChange, parse_list_change, parse_vs
from bot.user_error import UserError


@pytest.mark.parametrize(("typed", "change"), [
    ("", ListChange("list")),
    ('merge "Initech Inc" into Initech', ListChange("merge", "Initech Inc", "Initech")),
    ("merge Initech Inc into Initech Corp", ListChange("merge", "Initech Inc", "Initech Corp")),
    ("MERGE “Back into Basics” into Basics", ListChange("merge", "Back into Basics", "Basics")),
    ('rename Initech to "Initech Corp"', ListChange("rename", "Initech", "Initech Corp")),
    ("alias Initech INTC", ListChange("alias", "Initech", "INTC")),
    ('alias "Initech Corp" In Tech', ListChange("alias", "Initech Corp", "In Tech")),
    ("history Initech Corp", ListChange("history", "Initech Corp")),
    ("rename <@U123|sam> to Sam Co", ListChange("rename", "@sam", "Sam Co")),
])
def test_list_changes(typed, change):
    assert parse_list_change(typed) == change


@pytest.mark.parametrize(("typed", "field"), [
    ("merge Initech", "merge"), ("merge into Initech", "merge"), ("merge a into b into c", "merge"),
    ("rename Initech", "rename"), ("alias Initech", "alias"), ("alias Initech Corp INTC", "alias"),
    ("explode Initech", "action"), ("history", "action"),
])
def test_mistakes_say_how_to_type_it(typed, field):
    with pytest.raises(UserError) as err:
        parse_list_change(typed)
    assert err.value.field == field and "/intel competitors" in str(err.value)


def test_vs():
    assert parse_vs("Initech") == parse_vs("vs:Initech") == parse_vs("VS Initech") == "Initech"
    assert parse_vs('"Initech Corp"') == parse_vs("Initech  Corp") == "Initech Corp"
    with pytest.raises(UserError):
        parse_vs("  ")
