"""Which option a piece of text speaks of: its phrases compared, with the sentence
embeddings, to example phrases of each option and to neutral phrases that say nothing
about it. The characters' and the backgrounds' descriptions are both read this way."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .embed import embedder

Options = list[tuple[list[str], object]]  # (example phrases, the option's value)


@dataclass
class Match:
    """The option found, how sure (a softmax over the options), the phrase that said it,
    and other options other phrases also clearly said: (value, phrase)."""

    value: object
    confidence: float
    phrase: str
    others: list[tuple[object, str]] = field(default_factory=list)


def option_table(phrases: list[str], options: Options,
                 neutral: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Phrases x options: each option's best similarity to a phrase; and per phrase its
    best similarity to the neutral phrases."""
    embed = embedder()
    vectors = embed(phrases)
    examples = [e for examples_, _ in options for e in examples_]
    sims = vectors @ embed(examples).T
    per_option, at = [], 0
    for examples_, _ in options:
        per_option.append(sims[:, at:at + len(examples_)].max(axis=1))
        at += len(examples_)
    return np.stack(per_option, axis=1), (vectors @ embed(neutral).T).max(axis=1)


def best_option(phrases: list[str], options: Options, neutral: list[str], margin: float,
                temperature: float, floor: float = -1.0) -> Match | None:
    """The option a phrase is closest to, when it beats the neutral phrases by `margin`
    and its similarity is at least `floor`; None when nothing speaks of it."""
    table, neutral_sims = option_table(phrases, options, neutral)
    lift = table - neutral_sims[:, None]
    row, col = np.unravel_index(int(lift.argmax()), lift.shape)
    if lift[row, col] < margin or table[row, col] < floor:
        return None
    weights = np.exp((table[row] - table[row].max()) / temperature)
    others = [(options[j][1], phrases[r]) for r, j in zip(*np.nonzero(lift >= margin),
                                                          strict=True) if j != col]
    return Match(options[col][1], float(weights[col] / weights.sum()), phrases[row], others)
