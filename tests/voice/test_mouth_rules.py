"""The animation rules on hand-made phone timings (no audio needed)."""

import json

from metastudio.core.voice.align import TimedPhone
from metastudio.core.voice.export import moho_dat, rhubarb_json, rhubarb_tsv
from metastudio.core.voice.mouth import MouthRules, letter_cues, mouth_cues
from metastudio.core.voice.phones import ARKIT, PHONE_VISEMES, VISEMES, ipa_to_arpabet


def phones(*items):
    return [TimedPhone(name, start, end) for name, start, end in items]


def at(cues, t):
    return next(c.viseme for c in cues if c.start <= t < c.end)


def test_a_gap_before_a_bilabial_is_its_closure_and_a_short_one_is_stretched():
    cues = mouth_cues(phones(("SIL", 0, 0.2), ("AA", 0.2, 0.4), ("SIL", 0.4, 0.5),
                             ("P", 0.5, 0.52), ("AA", 0.52, 0.8), ("SIL", 0.8, 1.4)))
    assert at(cues, 0.45) == "PP"  # the lips close during the silent gap
    closed = [c for c in cues if c.viseme == "PP"]
    assert len(closed) == 1 and closed[0].end - closed[0].start >= 0.05
    assert at(cues, 0.1) == "sil" and at(cues, 1.3) == "sil"


def test_every_bilabial_shows_a_closed_mouth_even_when_very_short():
    cues = mouth_cues(phones(("AA", 0, 0.2), ("M", 0.2, 0.21), ("AA", 0.21, 0.4),
                             ("B", 0.4, 0.405), ("IY", 0.405, 0.6)))
    closed = [c for c in cues if c.viseme == "PP"]
    assert len(closed) == 2
    assert all(c.end - c.start >= 0.0499 for c in closed)


def test_short_pauses_hold_and_long_pauses_rest():
    rules = MouthRules(short_pause=0.3, anticipation=0)
    cues = mouth_cues(phones(("AA", 0, 0.3), ("SIL", 0.3, 0.5), ("IY", 0.5, 0.8),
                             ("SIL", 0.8, 1.6), ("OW", 1.6, 1.9)), rules)
    assert at(cues, 0.4) == "aa"  # 0.2 s: held
    assert at(cues, 1.2) == "sil"  # 0.8 s: rest


def test_coarticulation_rounds_consonants_before_rounded_vowels():
    two = mouth_cues(phones(("T", 0, 0.08), ("UW", 0.08, 0.3)))
    tea = mouth_cues(phones(("T", 0, 0.08), ("IY", 0.08, 0.3)))
    assert at(two, 0.02) == "ou" and at(tea, 0.02) == "DD"
    plain = mouth_cues(phones(("T", 0, 0.08), ("UW", 0.08, 0.3)),
                       MouthRules(coarticulation=False))
    assert at(plain, 0.02) == "DD"


def test_no_shape_shorter_than_min_hold_and_cues_cover_the_line():
    cues = mouth_cues(phones(("S", 0, 0.1), ("T", 0.1, 0.12), ("AA", 0.12, 0.4),
                             ("K", 0.4, 0.43), ("S", 0.43, 0.6)))
    assert all(c.end - c.start >= 0.0499 for c in cues if c.viseme != "PP")
    assert cues[0].start == 0 and cues[-1].end == 0.6
    assert all(a.end == b.start for a, b in zip(cues, cues[1:], strict=False))


def test_anticipation_starts_vowels_early():
    cues = mouth_cues(phones(("S", 0, 0.2), ("AA", 0.2, 0.5)), MouthRules(anticipation=0.04))
    vowel = next(c for c in cues if c.viseme == "aa")
    assert abs(vowel.start - 0.16) < 1e-6


def test_tables_cover_every_phone_and_viseme():
    assert set(PHONE_VISEMES.values()) <= {tuple(v) for v in PHONE_VISEMES.values()}
    assert {v for vs in PHONE_VISEMES.values() for v in vs} == set(VISEMES)
    assert set(ARKIT) == set(VISEMES)
    assert ipa_to_arpabet("ˈoʊ") == ["OW"] and ipa_to_arpabet("tʃ") == ["CH"]
    assert ipa_to_arpabet("k͈") == ["K"] and ipa_to_arpabet("ˈɛɹ") == ["EH", "R"]


def test_exports_follow_rhubarb_and_moho_formats():
    cues = mouth_cues(phones(("SIL", 0, 0.3), ("M", 0.3, 0.4), ("AA", 0.4, 0.7),
                             ("SIL", 0.7, 1.2)))
    data = json.loads(rhubarb_json(cues, "line.wav", 1.2))
    assert data["metadata"] == {"soundFile": "line.wav", "duration": 1.2}
    values = [c["value"] for c in data["mouthCues"]]
    assert values == ["X", "A", "D", "X"]
    assert set(data["mouthCues"][0]) == {"start", "end", "value"}
    tsv = rhubarb_tsv(cues).splitlines()
    assert tsv[0] == "0.00\tX" and tsv[-1] == "1.20\tX" and tsv[1].endswith("\tA")
    dat = moho_dat(cues, fps=10).splitlines()
    # The M at 0.3 s closes 60 ms early after the pause: 0.24 s is frame 3 at 10 fps.
    assert dat[0] == "MohoSwitch1" and dat[1] == "1 rest" and dat[2] == "3 MBP"
    assert [c.letter for c in letter_cues(cues)] == values


def test_after_a_pause_lips_close_before_the_sound_and_f_v_are_kept():
    cues = mouth_cues(phones(("SIL", 0, 0.5), ("B", 0.5, 0.55), ("AA", 0.55, 0.8),
                             ("V", 0.8, 0.82), ("AA", 0.82, 1.0)),
                      MouthRules(closure_lead=0.06))
    closed = next(c for c in cues if c.viseme == "PP")
    assert abs(closed.start - 0.44) < 1e-6
    teeth = [c for c in cues if c.viseme == "FF"]
    assert len(teeth) == 1 and teeth[0].end - teeth[0].start >= 0.0499
