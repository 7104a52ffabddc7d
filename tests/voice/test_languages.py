"""Lip-sync in any language eSpeak speaks, and transcripts as people give them: Korean
laid over eSpeak's rendering (not an English model), a transcript that covers only part
of the speech or goes on after it said where it stops fitting, a wrong one refused.
Recordings here are by other eSpeak voices than the aligner's own (a woman's, a man's,
the Klatt synthesiser), with their exact phoneme times as the truth. (English speech
with a Korean transcript is refused: tests/voice/test_speech.py.)"""

import pytest
from metastudio.core.voice import espeak
from metastudio.core.voice.audio import from_samples
from metastudio.core.voice.lipsync import lipsync_audio
from metastudio.core.voice.metrics import closures_shown, frame_agreement
from metastudio.core.voice.mouth import mouth_cues
from metastudio.core.voice.speech_phones import speech_phones

LINE = "안녕하세요. 오늘은 호숫가에서 과학 수업을 합니다."


def spoken(text, voice, speed=160, pitch=55):
    speech = espeak.synthesize(text, voice, speed, pitch)
    return from_samples(speech.samples, speech.rate), speech_phones(speech)


@pytest.mark.parametrize("voice", ["ko+f3", "ko+klatt2"])
def test_the_korean_line_with_its_punctuation_aligns(voice):
    audio, truth = spoken(LINE, voice)
    line = lipsync_audio(audio, LINE, "ko")
    assert line.alignment.method == "aligned" and line.alignment.aligner == "rendering"
    assert line.warnings == [] and line.suspect_words == []
    assert frame_agreement(line.cues, mouth_cues(truth), audio.duration) >= 0.85
    shown, closures = closures_shown(line.cues, truth)
    assert closures >= 2 and shown == closures  # 수업을 합니다: m, p/b close the lips
    assert [w.word for w in line.alignment.words][:2] == ["안녕하세요", "오늘은"]


def test_numbers_and_latin_letters_in_a_korean_transcript():
    text = "오늘 3시에 Python 수업이 있어요!"
    audio, truth = spoken(text, "ko+m3", 170, 40)
    line = lipsync_audio(audio, text, "ko")
    assert line.alignment.aligner == "rendering" and line.warnings == []
    assert frame_agreement(line.cues, mouth_cues(truth), audio.duration) >= 0.8


@pytest.mark.parametrize("language, voice, said, given, where", [
    ("en-us", "en-us+f3", "Please bring me the map. The moon is bright tonight.",
     "Please bring me the map.", "ends at"),
    ("ko", "ko+f3", LINE, "안녕하세요.", "ends at"),
    ("en-us", "en-us+f3", "Please bring me the map. The moon is bright tonight.",
     "Please bring me the map. The moon is bright tonight, and the stars are out.",
     "not heard: and the stars are out"),
    ("ko", "ko+f3", LINE, LINE + " 모두 함께 노래를 불러 봅시다.", "not heard:"),
])
def test_a_transcript_of_part_of_the_speech_or_more_is_said(language, voice, said, given,
                                                            where):
    audio, truth = spoken(said, voice)
    line = lipsync_audio(audio, given, language)
    assert any(where in w for w in line.warnings), line.warnings
    if "ends at" in where:
        # The speech after the transcript is recognised, not keyed shut.
        speech_end = max(p.end for p in truth if p.phone != "SIL")
        moving = [c for c in line.cues if c.viseme != "sil" and c.start > 2.0]
        assert moving and max(c.end for c in moving) > speech_end - 0.6
    else:
        assert frame_agreement(line.cues, mouth_cues(truth), audio.duration) >= 0.8
