"""Competitors and their battlecards: one list of competitors per workspace, each with the spellings
people use for it (`vs:Initech`, `vs:initech inc` and `vs:INITECH` are one competitor), merged and
renamed by a lead with the history kept; the battlecard built from the intel, win/loss results,
strategies and unhappy reports that name it; what the receiving team did with each piece of intel."""
