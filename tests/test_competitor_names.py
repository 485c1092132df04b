"""One competitor, however it is spelled: the key every spelling shares, and whole-word mentions."""

from __future__ import annotations

import pytest

from bot.competitors.names import clean_name, competitor_key, mentions
from bot.user_error import UserError


@pytest.mark.parametrize("spelling", [
    "Initech", "INITECH", "initech inc", "Initech, Inc.", "Initech Corp", "initech   CORPORATION",
    "The Initech Company", "Initech Ltd.", "Initech GmbH", "Initech S.A.", "  initech  ",
])
def test_spellings_of_one_company_share_a_key(spelling):
    assert competitor_key(spelling) == "initech"


@pytest.mark.parametrize(("a", "b"), [
    ("Société Générale", "societe generale"),
    ("Smith & Co", "smith"),
    ("Procter & Gamble", "procter and gamble"),
    ("McDonald's", "mcdonalds"),
    ("Initech Holdings", "initech holdings"),  # not a legal form: a lead merges it if it is the same one
])
def test_accents_ampersands_and_apostrophes(a, b):
    assert competitor_key(a) == competitor_key(b)


def test_different_companies_stay_different_and_a_lone_legal_form_is_kept():
    assert competitor_key("Initech") != competitor_key("Initrode")
    assert competitor_key("Co") == "co"
    assert competitor_key("AB") == "ab"
    assert competitor_key("The") == "the"
    assert competitor_key("!!!") == ""


def test_clean_name_refuses_what_cannot_name_a_competitor():
    assert clean_name("  Initech   Corp ") == "Initech Corp"
    with pytest.raises(UserError) as empty:
        clean_name("  ")
    assert empty.value.field == "name"
    with pytest.raises(UserError) as long:
        clean_name("x" * 101, field="new_name")
    assert long.value.field == "new_name" and "at most 100" in str(long.value)
    with pytest.raises(UserError) as symbols:
        clean_name("<> ???")
    assert "“&lt;&gt; ???”" in str(symbols.value)  # echoed escaped


def test_mentions_are_whole_words():
    keys = {"initech"}
    assert mentions("We lost Globex to INITECH, Inc. on price", keys)
    assert mentions("initech's new pricing", {"initechs"})
    assert not mentions("Initechnology is a different thing", keys)
    assert mentions("Beat Procter & Gamble again", {"procter and gamble"})
    assert not mentions(None, keys)
