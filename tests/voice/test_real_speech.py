"""Lip-sync on real recorded speech (LibriVox readings): no phone timings exist for it,
so the tests check what can be known: it aligns, the transcript check tells right from
wrong, the recogniser without a transcript agrees with the aligned result, and every
p, b, m of the transcript closes the mouth."""

from metastudio.core.voice.audio import load_audio
from metastudio.core.voice.lipsync import LipSyncSpec, lipsync, lipsync_audio
from metastudio.core.voice.metrics import closures_shown, frame_agreement


def test_real_speech_aligns_and_without_a_transcript_mostly_agrees(librivox):
    agreements, closed, bilabials = [], 0, 0
    for clip, text in librivox:
        line = lipsync(LipSyncSpec(audio=clip, text=text))
        assert line.alignment.method == "aligned", clip.name
        assert not any("could not be aligned" in w for w in line.warnings), clip.name
        heard = lipsync(LipSyncSpec(audio=clip))
        assert heard.alignment.method == "recognised"
        agreements.append(frame_agreement(heard.cues, line.cues, line.duration))
        shown, total = closures_shown(line.cues, line.alignment.phones)
        closed, bilabials = closed + shown, bilabials + total
    assert bilabials >= 15 and closed == bilabials
    assert min(agreements) >= 0.6 and sum(agreements) / len(agreements) >= 0.75


def test_a_transcript_of_another_clip_is_reported(librivox):
    (first, first_text), (_, second_text) = librivox[0], librivox[1]
    audio = load_audio(first)
    wrong = lipsync_audio(audio, second_text)
    assert any("could not be aligned" in w for w in wrong.warnings) or wrong.suspect_words
    right = lipsync_audio(audio, first_text)
    assert right.warnings == [] and right.suspect_words == []
